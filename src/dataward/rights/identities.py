"""Which identities of a request were proved, how, and by whom.

A request is searched only by what was proved: an emailed code proves the email address and
nothing else, so a phone number or a customer number given beside it is proved separately (an
SMS code or a staff call-back for a phone; staff evidence for a reference) or left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.rights import notes
from dataward.rights.models import IdentityMethod, RequestIdentity, RightsRequest
from dataward.rights.schemas import EMAIL, PHONE_NUMBER

M = IdentityMethod
REF_PREFIX = "ref:"

# How each kind of identity can be proved. A document seen proves a person, not that a phone
# number is theirs: only a code sent to it, or a call to it, does.
ACCEPTED: dict[str, frozenset[IdentityMethod]] = {
    EMAIL: frozenset({M.EMAIL_CODE, M.EVIDENCE, M.STAFF_ASSERTED}),
    PHONE_NUMBER: frozenset({M.SMS_CODE, M.CALL_BACK, M.STAFF_ASSERTED}),
}
REFERENCE_METHODS = frozenset({M.EVIDENCE, M.STAFF_ASSERTED})

HOW_TO_PROVE = {
    EMAIL: "a code emailed to it, or staff evidence",
    PHONE_NUMBER: "a code sent by SMS, or a staff call-back",
}


def label(identity: str) -> str:
    """How people name an identity on the command line: email, phone or ref:KEY."""
    if identity == EMAIL:
        return "email"
    if identity == PHONE_NUMBER:
        return "phone"
    return f"{REF_PREFIX}{identity}"


def parse_label(text: str) -> str:
    """The stored identity type for `email`, `phone` or `ref:KEY`."""
    cleaned = text.strip()
    if cleaned.lower() == "email":
        return EMAIL
    if cleaned.lower() in ("phone", PHONE_NUMBER):
        return PHONE_NUMBER
    if cleaned.startswith(REF_PREFIX) and cleaned[len(REF_PREFIX) :].strip():
        return cleaned[len(REF_PREFIX) :].strip()
    raise UsageError(
        f"unknown identity {text!r}",
        fix="use --identity email, --identity phone or --identity ref:KEY"
        " (e.g. ref:customer_number)",
    )


def methods_for(identity: str) -> frozenset[IdentityMethod]:
    return ACCEPTED.get(identity, REFERENCE_METHODS)


def record_given(*, session: Session, request: RightsRequest, identities: Iterable[str]) -> None:
    """One unproved row per identity the request was opened with."""
    for identity in sorted(set(identities)):
        request.identities.append(RequestIdentity(identity=identity))
    session.flush()


def find(request: RightsRequest, identity: str) -> RequestIdentity:
    for row in request.identities:
        if row.identity == identity:
            return row
    given = ", ".join(label(r.identity) for r in request.identities) or "none"
    raise UsageError(
        f"request {request.reference} was not opened with a {label(identity)} identity",
        fix=f"choose one it has: {given}",
    )


def prove(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    identity: str,
    method: IdentityMethod,
    actor: str,
    evidence: str,
) -> RequestIdentity:
    """Mark one identity proved, saying how and what was checked."""
    row = find(request, identity)
    if row.verified:
        raise Conflict(
            f"the {label(identity)} identity of {request.reference} is already verified"
            f" ({row.method.value if row.method else 'unknown'})"
        )
    if method not in methods_for(identity):
        if identity == PHONE_NUMBER:
            raise UsageError(
                "a phone number is proved by a code sent by SMS or by calling it back",
                fix=f"`dataward rights send-code {request.reference} --by sms`, or"
                f" `dataward rights verify {request.reference} --identity phone --by-call-back"
                " --evidence TEXT`",
            )
        raise UsageError(
            f"a {label(identity)} identity cannot be proved by {method.value.replace('_', ' ')}",
            fix=f"staff record what they checked: `dataward rights verify {request.reference}"
            f" --identity {label(identity)} --evidence TEXT`",
        )
    if not evidence.strip():
        raise UsageError(
            f"say what was checked to prove the {label(identity)} identity",
            fix="--evidence 'checked invoice INV-123 against the caller's postcode'",
        )
    row.method = method
    row.verified_at = clock.now()
    row.verified_by = actor
    row.evidence = keyring.seal_note(
        evidence.strip(), context=notes.IDENTITY_EVIDENCE, session=session
    )
    session.flush()
    # The evidence text stays on the request, sealed: it may quote what was checked.
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="rights.identity.verified",
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details={"identity": label(identity), "method": method.value},
    )
    return row


def proved(request: RightsRequest) -> set[str]:
    return {row.identity for row in request.identities if row.verified}


@dataclass(frozen=True)
class Dropped:
    """An identity the request was opened with but is not searched by, and why."""

    identity: str
    reason: str

    @property
    def note(self) -> str:
        """The sentence for the person's letter."""
        what = {EMAIL: "email address", PHONE_NUMBER: "phone number"}.get(
            self.identity, self.identity.replace("_", " ")
        )
        return f"We did not search by the {what} you gave: {self.reason}."


def why_unproved(identity: str) -> str:
    if identity in HOW_TO_PROVE:
        return f"it was not verified (by {HOW_TO_PROVE[identity]})"
    return "it was not verified (staff check a reference against a record they hold)"


def dropped(request: RightsRequest, given: Iterable[str]) -> list[Dropped]:
    """Identities given but not proved, in a stable order."""
    mine = proved(request)
    return [Dropped(i, why_unproved(i)) for i in sorted(set(given)) if i not in mine]
