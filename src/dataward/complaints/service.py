"""Complaints: received, acknowledged, updated, answered; read only by the roles named."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.complaints.deadlines import AcknowledgementDue, acknowledgement_due
from dataward.complaints.models import Complaint, ComplaintUpdate
from dataward.core.clock import Clock, london_date, today
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, Forbidden, NotFound, UsageError
from dataward.people import service as people
from dataward.people.models import Person
from dataward.policy.schema import Policy

CHANNELS = ("web", "phone", "letter", "email", "in_person")
TEXT_LIMIT = 10_000
# Staff are warned this long before the statute's day, so the acknowledgement is not late.
ALERT_AHEAD = timedelta(days=7)


@dataclass(frozen=True)
class ComplaintView:
    """A complaint opened for someone allowed to read it."""

    complaint: Complaint
    due: AcknowledgementDue
    name: str | None
    email: str | None
    phone: str | None
    account: str | None
    text: str
    outcome: str | None
    updates: list[tuple[ComplaintUpdate, str]]


def due(complaint: Complaint, policy: Policy) -> AcknowledgementDue:
    return acknowledgement_due(complaint.received_on, policy.organisation.nation)


def may_read(policy: Policy, roles: Collection[str]) -> bool:
    return bool(set(roles) & set(policy.complaints.readers))


def require_reader(policy: Policy, roles: Collection[str]) -> None:
    if not may_read(policy, roles):
        raise Forbidden(
            "complaints can be read only by the roles the policy names",
            fix=f"ask someone who is one of: {', '.join(policy.complaints.readers)}",
        )


def _clean(text: str, what: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise UsageError(f"the {what} is empty", fix=f"write the {what}")
    if len(cleaned) > TEXT_LIMIT:
        raise UsageError(f"the {what} is longer than 10,000 characters", fix="shorten it")
    return cleaned


def _get(session: Session, complaint_id: int) -> Complaint:
    found = session.get(Complaint, complaint_id)
    if found is None:
        raise NotFound(
            f"there is no complaint {complaint_id}", fix="see `dataward complaints list`"
        )
    return found


def _person(session: Session, complaint: Complaint) -> Person:
    return people.get_person(session=session, pseudonym=complaint.person_pseudonym)


def _seal(session: Session, keyring: Keyring, complaint: Complaint, text: str) -> bytes:
    person = _person(session, complaint)
    return people.seal(session=session, keyring=keyring, person=person, plaintext=text.encode())


def open_complaint(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    channel: str,
    text: str,
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
    account: str | None = None,
    received_at: datetime | None = None,
) -> Complaint:
    """Record a complaint against the person (held encrypted in the people store)."""
    if channel not in CHANNELS:
        raise UsageError(f"{channel!r} is not a channel", fix=f"one of: {', '.join(CHANNELS)}")
    if email is None and phone is None:
        raise UsageError(
            "a complaint needs a way to reply: an email address or a phone number",
            fix="give --email or --phone",
        )
    body = _clean(text, "complaint")
    received = received_at or clock.now()
    if received.tzinfo is None:
        raise UsageError("the moment of receipt needs its time zone")
    if received > clock.now():
        raise UsageError("a complaint cannot be received in the future", fix="check the date")
    person = people.register_person(
        session=session, keyring=keyring, clock=clock, email=email, phone=phone, name=name
    )
    complaint = Complaint(
        status="open",
        channel=channel,
        person_pseudonym=person.pseudonym,
        received_at=received,
        received_on=london_date(received),
        opened_by=actor,
        text_ct=people.seal(
            session=session, keyring=keyring, person=person, plaintext=body.encode()
        ),
        account_ct=people.seal(
            session=session, keyring=keyring, person=person, plaintext=account.strip().encode()
        )
        if account and account.strip()
        else None,
    )
    session.add(complaint)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="complaints.received",
        object_type="complaint",
        object_id=str(complaint.id),
        subject=person.pseudonym,
        details={"channel": channel, "received_on": complaint.received_on.isoformat()},
    )
    return complaint


def get_complaint(*, session: Session, complaint_id: int) -> Complaint:
    return _get(session, complaint_id)


def list_complaints(*, session: Session, status: str | None = None) -> list[Complaint]:
    query = select(Complaint).order_by(Complaint.id)
    if status is not None:
        query = query.where(Complaint.status == status)
    return list(session.scalars(query))


def read(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    policy: Policy,
    actor: str,
    roles: Collection[str],
    complaint_id: int,
) -> ComplaintView:
    """Open a complaint for a reader; the reading is recorded before anything is shown."""
    require_reader(policy, roles)
    complaint = _get(session, complaint_id)
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="complaints.read",
        object_type="complaint",
        object_id=str(complaint.id),
        subject=complaint.person_pseudonym,
        details={"roles": sorted(set(roles) & set(policy.complaints.readers))},
    )
    person = _person(session, complaint)
    details = people.reveal(session=session, keyring=keyring, person=person)

    def opened(value: bytes | None) -> str | None:
        if value is None:
            return None
        plain = people.unseal(session=session, keyring=keyring, person=person, ciphertext=value)
        return plain.decode()

    updates = session.scalars(
        select(ComplaintUpdate)
        .where(ComplaintUpdate.complaint_id == complaint.id)
        .order_by(ComplaintUpdate.id)
    )
    return ComplaintView(
        complaint=complaint,
        due=due(complaint, policy),
        name=details.name,
        email=details.email,
        phone=details.phone,
        account=opened(complaint.account_ct),
        text=opened(complaint.text_ct) or "",
        outcome=opened(complaint.outcome_ct),
        updates=[(u, opened(u.text_ct) or "") for u in updates],
    )


def _event(
    session: Session, clock: Clock, actor: str, complaint: Complaint, action: str, **details: object
) -> None:
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=f"complaints.{action}",
        object_type="complaint",
        object_id=str(complaint.id),
        subject=complaint.person_pseudonym,
        details=details,
    )


def acknowledge(
    *, session: Session, clock: Clock, policy: Policy, actor: str, complaint_id: int
) -> Complaint:
    complaint = _get(session, complaint_id)
    if complaint.acknowledged_at is not None:
        raise Conflict(f"complaint {complaint_id} was already acknowledged")
    complaint.acknowledged_at = clock.now()
    if complaint.status == "open":
        complaint.status = "acknowledged"
    session.flush()
    on = today(clock)
    counted = due(complaint, policy)
    _event(
        session, clock, actor, complaint, "acknowledged",
        on=on.isoformat(), late=counted.late(on), report_on=counted.report_on.isoformat(),
    )  # fmt: skip
    return complaint


def add_update(
    *, session: Session, keyring: Keyring, clock: Clock, actor: str, complaint_id: int, text: str
) -> ComplaintUpdate:
    keyring.attach(session)
    complaint = _get(session, complaint_id)
    if complaint.status == "closed":
        raise Conflict(f"complaint {complaint_id} is closed")
    body = _clean(text, "update")
    update = ComplaintUpdate(
        complaint_id=complaint.id,
        text_ct=_seal(session, keyring, complaint, body),
        written_at=clock.now(),
        written_by=actor,
    )
    session.add(update)
    session.flush()
    _event(session, clock, actor, complaint, "updated", text_digest=keyring.digest(body))
    return update


def close(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    complaint_id: int,
    outcome: str,
) -> Complaint:
    keyring.attach(session)
    complaint = _get(session, complaint_id)
    if complaint.status == "closed":
        raise Conflict(f"complaint {complaint_id} is already closed")
    if complaint.acknowledged_at is None:
        raise Conflict(
            f"complaint {complaint_id} was never acknowledged",
            fix="acknowledge it first: `dataward complaints acknowledge`",
        )
    body = _clean(outcome, "outcome")
    complaint.outcome_ct = _seal(session, keyring, complaint, body)
    complaint.status = "closed"
    complaint.closed_at = clock.now()
    session.flush()
    _event(session, clock, actor, complaint, "closed", outcome_digest=keyring.digest(body))
    return complaint


def to_alert(*, session: Session, policy: Policy, on: date) -> list[Complaint]:
    """Unacknowledged complaints whose statute counting has come, not yet alerted."""
    waiting = session.scalars(
        select(Complaint).where(Complaint.acknowledged_at.is_(None), Complaint.alerted_on.is_(None))
    )
    return [c for c in waiting if due(c, policy).alert_on - on <= ALERT_AHEAD]


def mark_alerted(*, session: Session, clock: Clock, complaint: Complaint) -> None:
    complaint.alerted_on = today(clock)
    session.flush()
    _event(session, clock, "system:complaints", complaint, "alerted")
