"""Proving a request's identities: codes by email or SMS, staff evidence, staff call-backs, and
staff vouching for the identities of a request they run themselves at the server.

The first identity proved verifies the request (its clock starts that day, RULES.md §1) and
queues it to run; identities proved before it runs are searched too, the rest are left out.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import LONDON, Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.rights import code_limits, identities, verification, workflow
from dataward.rights.intake import request_identities
from dataward.rights.models import (
    IdentityMethod,
    RequestState,
    RightsRequest,
    VerificationCode,
    VerificationMethod,
)
from dataward.rights.schemas import EMAIL, PHONE_NUMBER, RequesterIdentities
from dataward.rights.sms import SmsTransport, sms_transport
from dataward.rights.verification import CodeCheck

S = RequestState
UNVERIFIED = frozenset({S.RECEIVED, S.AWAITING_VERIFICATION})
# Until it has run, a request can still gain a proved identity to search by.
PROVABLE = UNVERIFIED | {S.VERIFIED, S.IN_PROGRESS}
CHANNELS = {"email": EMAIL, "sms": PHONE_NUMBER}


def _require_provable(request: RightsRequest) -> None:
    if request.state == S.PAUSED:
        raise Conflict(
            f"request {request.reference} is paused for clarification",
            fix=f"record the answer first: `dataward rights resume {request.reference}"
            " --answered-on DATE`",
        )
    if not request.is_open:
        raise Conflict(f"request {request.reference} is {request.state.value}: nothing to verify")
    if request.state not in PROVABLE:
        raise Conflict(
            f"request {request.reference} is {request.state.value}: it has already run, so its"
            " identities are settled",
            fix="open a new request if the person asks again with another identity",
        )
    if request.identities and all(row.verified for row in request.identities):
        raise Conflict(f"request {request.reference} is already verified")


def _verified(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    actor: str,
    method: VerificationMethod,
    evidence: str,
    identity_on: date | None = None,
) -> None:
    """The first proved identity verifies the request; later ones only join the search."""
    if request.state in UNVERIFIED:
        verification.mark_verified(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request,
            actor=actor,
            method=method,
            evidence=evidence,
            identity_on=identity_on,
        )


def _address(given: RequesterIdentities, identity: str, reference: str) -> str:
    address = given.email if identity == EMAIL else given.phone
    if address is None:
        what = "email address" if identity == EMAIL else "phone number"
        raise Conflict(
            f"request {reference} has no {what} to send a code to",
            fix="verify identity with --evidence after checking it another way",
        )
    return address


def _channel(request: RightsRequest, given: RequesterIdentities, by: str | None) -> str:
    if by is not None:
        if by not in CHANNELS:
            raise UsageError(f"cannot send a code by {by!r}", fix="use --by email or --by sms")
        return CHANNELS[by]
    # The first address not yet proved; an email first, as the cheaper and the usual one.
    proved = identities.proved(request)
    for identity, value in ((EMAIL, given.email), (PHONE_NUMBER, given.phone)):
        if value is not None and identity not in proved:
            return identity
    return EMAIL if given.email is not None else PHONE_NUMBER


def sms_text(request: RightsRequest, code: str, row: VerificationCode, sender: str) -> str:
    expiry = row.expires_at.astimezone(LONDON)
    return (
        f"{sender}: your code for request {request.reference} is {code}. It expires at"
        f" {expiry:%H:%M} on {expiry.day} {expiry:%B} (UK time). If you did not ask us for"
        " anything, ignore this message."
    )


def send_code(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    settings: Settings,
    request: RightsRequest,
    actor: str,
    organisation: str | None = None,
    by: str | None = None,
    sms: SmsTransport | None = None,
) -> VerificationCode:
    """Send a one-time code to the requester's email (or, `by="sms"`, phone)."""
    _require_provable(request)
    keyring.attach(session)
    given = request_identities(session=session, keyring=keyring, request=request)
    identity = _channel(request, given, by)
    address = _address(given, identity, request.reference)
    row_of = identities.find(request, identity)
    if row_of.verified:
        raise Conflict(
            f"the {identities.label(identity)} identity of {request.reference} is already verified"
        )
    transport = None
    if identity == PHONE_NUMBER:
        # Before anything is stored: no code is issued that cannot be sent.
        transport = sms or sms_transport(settings, clock)
    digest = code_limits.address_digest(keyring, identity, address)
    code_limits.check_may_send(session=session, clock=clock, request=request, digest=digest)
    code, row = verification.issue_code(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        identity=identity,
        address_digest=digest,
    )
    if request.state == S.RECEIVED:
        workflow.transition(
            session=session,
            clock=clock,
            request=request,
            to=S.AWAITING_VERIFICATION,
            actor=actor,
            reason="verification code sent",
        )
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="rights.verification.code_sent",
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details={"expires_at": row.expires_at.isoformat(), "identity": identities.label(identity)},
    )
    # Sent last: if the gateway refuses it, the caller's transaction rolls back the code.
    if transport is not None:
        transport.send(address, sms_text(request, code, row, organisation or "Privacy team"))
        return row
    message = verification.code_message(
        settings=settings,
        to=address,
        code=code,
        request=request,
        expires_at=row.expires_at,
        organisation=organisation,
        now=clock.now(),
    )
    verification.send_mail(settings, message)
    return row


def verify_with_code(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    code: str,
    actor: str,
    identity: str | None = None,
) -> CodeCheck:
    """Check the code; a failed check is returned (and audited), not raised, so it is counted.
    A right code proves only the address it was sent to."""
    _require_provable(request)
    if identity is None and len(verification.live_identities(session, request)) > 1:
        raise UsageError(
            "codes were sent to both the requester's email and phone",
            fix="say which this one is: --identity email or --identity phone",
        )
    check = verification.check_code(
        session=session, keyring=keyring, clock=clock, request=request, code=code, identity=identity
    )
    if not check.ok or check.identity is None:
        verification.record_failed_attempt(
            session=session, clock=clock, request=request, actor=actor, check=check
        )
        return check
    by_sms = check.identity == PHONE_NUMBER
    identities.prove(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        identity=check.identity,
        method=IdentityMethod.SMS_CODE if by_sms else IdentityMethod.EMAIL_CODE,
        actor=actor,
        evidence=f"one-time code sent to the requester's {'phone' if by_sms else 'email address'}",
    )
    _verified(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=actor,
        method=VerificationMethod.EVIDENCE if by_sms else VerificationMethod.EMAIL_CODE,
        evidence="one-time code sent by SMS to the requester's phone"
        if by_sms
        else "one-time code sent to the requester's email address",
    )
    return check


def verify_with_evidence(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    actor: str,
    evidence: str,
    identity_on: date | None = None,
    identity: str = EMAIL,
    call_back: bool = False,
) -> None:
    """Staff record what they checked (never a document's number) for one identity: a
    document for an email or a reference, a call-back for a phone."""
    _require_provable(request)
    if not evidence.strip():
        raise UsageError(
            "say what identity evidence was seen", fix="--evidence 'passport checked in person'"
        )
    verification.check_identity_day(request=request, clock=clock, identity_on=identity_on)
    method = IdentityMethod.CALL_BACK if call_back else IdentityMethod.EVIDENCE
    identities.prove(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        identity=identity,
        method=method,
        actor=actor,
        evidence=evidence,
    )
    how = "call-back" if call_back else "evidence"
    _verified(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=actor,
        method=VerificationMethod.EVIDENCE,
        evidence=evidence.strip()
        if identity == EMAIL and not call_back
        else f"{identities.label(identity)} by {how}: {evidence.strip()}",
        identity_on=identity_on,
    )


def assert_identities(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    actor: str,
    evidence: str,
) -> None:
    """Staff running a request at the server vouch for every identity they gave it."""
    _require_provable(request)
    kinds = [row.identity for row in request.identities if not row.verified]
    if any(kind != EMAIL for kind in kinds) and not evidence.strip():
        raise UsageError(
            "say what you checked to tie the phone number or reference to the requester",
            fix="add --evidence, e.g. --evidence 'called the number back; caller confirmed"
            " the account postcode'",
        )
    for kind in kinds:
        identities.prove(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request,
            identity=kind,
            method=IdentityMethod.STAFF_ASSERTED,
            actor=actor,
            evidence=evidence,
        )
    _verified(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=actor,
        method=VerificationMethod.EVIDENCE,
        evidence=f"identities asserted by staff: {evidence.strip()}",
    )
