"""Disclosures: open, approve or refuse (four eyes, a named role), release with a digest."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, NotFound, UsageError
from dataward.disclosures.grounds import GROUNDS, REQUESTER_KINDS
from dataward.disclosures.models import Disclosure, DisclosureStatus
from dataward.people import service as people
from dataward.policy.schema import Policy

# Console roles that may approve whatever the policy names.
ALWAYS_APPROVE = frozenset({"admin", "dpo"})
REQUESTER_NOTE = "disclosures.requester"
ASKED_NOTE = "disclosures.asked"
DECISION_NOTE = "disclosures.decision_note"
RELEASED_NOTE = "disclosures.released_what"


@dataclass(frozen=True)
class Staff:
    """Who acts: the audit actor and every role they hold (console role and job roles)."""

    actor: str
    roles: frozenset[str]


@dataclass(frozen=True)
class DisclosureView:
    """A disclosure with its sealed notes opened, for the interfaces."""

    disclosure: Disclosure
    requester: str
    asked: str
    decision_note: str | None
    released_what: str | None

    @property
    def ground_text(self) -> str:
        return GROUNDS.get(self.disclosure.ground, self.disclosure.ground)


def _text(value: str, what: str, example: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise UsageError(f"{what} is empty", fix=f"say it, e.g. {example}")
    return cleaned


def _get(session: Session, disclosure_id: int) -> Disclosure:
    found = session.get(Disclosure, disclosure_id)
    if found is None:
        raise NotFound(
            f"there is no disclosure {disclosure_id}", fix="see `dataward disclosures list`"
        )
    return found


def view(*, session: Session, keyring: Keyring, disclosure: Disclosure) -> DisclosureView:
    keyring.attach(session)

    def note(value: str | None, context: str) -> str | None:
        return None if value is None else keyring.open_note(value, context=context)

    return DisclosureView(
        disclosure=disclosure,
        requester=keyring.open_note(disclosure.requester, context=REQUESTER_NOTE),
        asked=keyring.open_note(disclosure.asked, context=ASKED_NOTE),
        decision_note=note(disclosure.decision_note, DECISION_NOTE),
        released_what=note(disclosure.released_what, RELEASED_NOTE),
    )


def check_kind_and_ground(requester_kind: str, ground: str) -> None:
    if requester_kind not in REQUESTER_KINDS:
        raise UsageError(
            f"{requester_kind!r} is not a kind of requester",
            fix=f"one of: {', '.join(REQUESTER_KINDS)}",
        )
    if ground not in GROUNDS:
        raise UsageError(f"{ground!r} is not a legal ground", fix=f"one of: {', '.join(GROUNDS)}")


def open_disclosure(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    staff: Staff,
    requester_kind: str,
    requester: str,
    ground: str,
    asked: str,
    tickets: Sequence[str] = (),
    email: str | None = None,
    phone: str | None = None,
) -> Disclosure:
    """Record a third party's request; the person it is about is held encrypted, if named."""
    check_kind_and_ground(requester_kind, ground)
    refs = [t.strip() for t in tickets if t.strip()]
    if any(len(t) > 100 for t in refs):
        raise UsageError("a ticket reference is longer than 100 characters", fix="shorten it")
    person = None
    if email is not None or phone is not None:
        person = people.register_person(
            session=session, keyring=keyring, clock=clock, email=email, phone=phone
        )
    disclosure = Disclosure(
        status=DisclosureStatus.OPEN.value,
        requester_kind=requester_kind,
        requester=keyring.seal_note(
            _text(requester, "the requester", "'PC 4471, Avon and Somerset Police'"),
            context=REQUESTER_NOTE,
            session=session,
        ),
        ground=ground,
        asked=keyring.seal_note(
            _text(asked, "what is asked", "'the customer's contact details'"),
            context=ASKED_NOTE,
            session=session,
        ),
        tickets=refs,
        person_pseudonym=person.pseudonym if person else None,
        opened_at=clock.now(),
        opened_by=staff.actor,
    )
    session.add(disclosure)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=staff.actor,
        action="disclosures.opened",
        object_type="disclosure",
        object_id=str(disclosure.id),
        subject=disclosure.person_pseudonym,
        details={
            "requester_kind": requester_kind,
            "ground": ground,
            "requester_digest": keyring.digest(requester.strip()),
            "asked_digest": keyring.digest(asked.strip()),
            "tickets": [keyring.digest(t) for t in refs],
        },
    )
    return disclosure


def approver_role(policy: Policy, staff: Staff) -> str | None:
    """The role under which this person may approve, or None when they hold none."""
    allowed = ALWAYS_APPROVE | set(policy.disclosures.approvers)
    held = sorted(staff.roles & allowed)
    return held[0] if held else None


def decide(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    policy: Policy,
    staff: Staff,
    disclosure_id: int,
    approve: bool,
    note: str,
) -> Disclosure:
    disclosure = _get(session, disclosure_id)
    if disclosure.status != DisclosureStatus.OPEN.value:
        raise Conflict(f"disclosure {disclosure_id} is already {disclosure.status}")
    role = approver_role(policy, staff)
    if role is None:
        names = ", ".join(sorted(ALWAYS_APPROVE | set(policy.disclosures.approvers)))
        raise Conflict(
            "you hold no role the policy allows to decide a disclosure",
            fix=f"ask someone who is one of: {names}",
        )
    if disclosure.opened_by == staff.actor and not policy.disclosures.one_person_firm:
        raise Conflict(
            "the person who opened a disclosure cannot also decide it",
            fix="ask a second approver (or set `disclosures: {one_person_firm: true}`"
            " if the business is one person)",
        )
    reason = _text(note, "the reason", "'court order 2026/114 seen and checked'")
    disclosure.status = (DisclosureStatus.APPROVED if approve else DisclosureStatus.REFUSED).value
    disclosure.decided_at = clock.now()
    disclosure.decided_by = staff.actor
    disclosure.decided_as = role
    disclosure.decision_note = keyring.seal_note(reason, context=DECISION_NOTE, session=session)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=staff.actor,
        action="disclosures.approved" if approve else "disclosures.refused",
        object_type="disclosure",
        object_id=str(disclosure.id),
        subject=disclosure.person_pseudonym,
        details={"role": role, "note_digest": keyring.digest(reason)},
    )
    return disclosure


def approve(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    policy: Policy,
    staff: Staff,
    disclosure_id: int,
    note: str,
) -> Disclosure:
    return decide(
        session=session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        staff=staff,
        disclosure_id=disclosure_id,
        approve=True,
        note=note,
    )


def refuse(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    policy: Policy,
    staff: Staff,
    disclosure_id: int,
    reason: str,
) -> Disclosure:
    return decide(
        session=session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        staff=staff,
        disclosure_id=disclosure_id,
        approve=False,
        note=reason,
    )


def package_digest(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return package_digest(iter(lambda: stream.read(1 << 16), b""))


def release(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    staff: Staff,
    disclosure_id: int,
    released_what: str,
    package_name: str,
    package_sha256: str,
) -> Disclosure:
    """Record what was handed over and the SHA-256 of the package; only after an approval."""
    disclosure = _get(session, disclosure_id)
    if disclosure.status != DisclosureStatus.APPROVED.value:
        why = {
            DisclosureStatus.OPEN.value: "it has not been approved",
            DisclosureStatus.REFUSED.value: "it was refused",
            DisclosureStatus.RELEASED.value: "it was already released",
        }.get(disclosure.status, f"it is {disclosure.status}")
        raise Conflict(
            f"disclosure {disclosure_id} cannot be released: {why}",
            fix="an approver records an approval first: `dataward disclosures approve`",
        )
    if len(package_sha256) != 64 or any(c not in "0123456789abcdef" for c in package_sha256):
        raise UsageError("the package digest is not a SHA-256 in hex", fix="64 hex digits")
    what = _text(released_what, "what was released", "'name and address of the customer'")
    disclosure.status = DisclosureStatus.RELEASED.value
    disclosure.released_at = clock.now()
    disclosure.released_by = staff.actor
    disclosure.released_what = keyring.seal_note(what, context=RELEASED_NOTE, session=session)
    disclosure.package_name = package_name[:255]
    disclosure.package_sha256 = package_sha256
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=staff.actor,
        action="disclosures.released",
        object_type="disclosure",
        object_id=str(disclosure.id),
        subject=disclosure.person_pseudonym,
        details={
            "package_sha256": package_sha256,
            "released_digest": keyring.digest(what),
            "approved_by": disclosure.decided_by,
        },
    )
    return disclosure


def get_disclosure(*, session: Session, disclosure_id: int) -> Disclosure:
    return _get(session, disclosure_id)


def list_disclosures(
    *, session: Session, status: str | None = None, ticket: str | None = None
) -> list[Disclosure]:
    """The register, oldest first; `ticket` keeps those recorded against that ticket."""
    query = select(Disclosure).order_by(Disclosure.id)
    if status is not None:
        query = query.where(Disclosure.status == status)
    found = list(session.scalars(query))
    if ticket is not None:
        found = [d for d in found if ticket.strip() in (d.tickets or [])]
    return found
