"""The people a breach affects: found over the systems by the access search, then told."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.breaches import service
from dataward.breaches.models import BreachPerson
from dataward.connectors import service as connectors
from dataward.connectors.base import Connector
from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.core.mail import new_message, send_mail
from dataward.people import service as people
from dataward.policy.service import LoadedPolicy


@dataclass(frozen=True)
class AffectedCount:
    searched: int  # identities asked about
    people: int  # of them, those with records in the systems
    records: int


def find_affected(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    loaded: LoadedPolicy,
    opened: Mapping[str, Connector],
    actor: str,
    breach_id: int,
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
) -> AffectedCount:
    """Search the systems for each person, as an access request does; link those found."""
    breach = service.get_breach(session=session, breach_id=breach_id)
    asked = [("email", e) for e in emails] + [("phone", p) for p in phones]
    if not asked:
        raise UsageError("name the people to look for", fix="give --email or --phone")
    found_people = found_records = 0
    for kind, value in asked:
        identities = connectors.Identities.of(**{kind: value})
        found = connectors.find_person(loaded, opened, identities)
        if not found.records:
            continue
        person = people.register_person(
            session=session, keyring=keyring, clock=clock, **{kind: value}
        )
        link = session.scalar(
            select(BreachPerson).where(
                BreachPerson.breach_id == breach.id,
                BreachPerson.person_pseudonym == person.pseudonym,
            )
        )
        if link is None:
            link = BreachPerson(
                breach_id=breach.id,
                person_pseudonym=person.pseudonym,
                records=0,
                found_at=clock.now(),
            )
            session.add(link)
        link.records = len(found.records)
        found_people += 1
        found_records += len(found.records)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="breaches.people_found",
        object_type="breach",
        object_id=str(breach.id),
        details={"searched": len(asked), "people": found_people, "records": found_records},
    )
    return AffectedCount(searched=len(asked), people=found_people, records=found_records)


def affected_people(*, session: Session, breach_id: int) -> list[BreachPerson]:
    query = select(BreachPerson).where(BreachPerson.breach_id == breach_id)
    return list(session.scalars(query.order_by(BreachPerson.id)))


def notice_message(
    *, settings: Settings, loaded: LoadedPolicy, to: str, text: str, clock: Clock
) -> EmailMessage:
    org = loaded.policy.organisation
    contact = org.dpo.email if org.dpo else org.privacy_contact
    message = new_message(
        settings,
        to=to,
        subject=f"A security incident affecting your personal data at {org.name}",
        now=clock.now(),
    )
    message.set_content(
        f"{text.strip()}\n\nIf you have questions, contact us at {contact}.\n\n{org.name}\n"
    )
    return message


def notify_people(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    settings: Settings,
    loaded: LoadedPolicy,
    actor: str,
    breach_id: int,
    text: str,
) -> int:
    """Send the notice to each affected person with an email not yet told; how many were sent.

    Only after a recorded decision to tell them (Art 34): the notice is itself a disclosure
    of what happened, and the decision says why it is owed."""
    keyring.attach(session)
    if not text.strip():
        raise UsageError(
            "the notice is empty",
            fix="describe what happened, the likely consequences, what was done and what to do",
        )
    decisions = service.decisions_of(session=session, breach_id=breach_id)
    if not any(d.kind == service.TELL for d in decisions):
        raise Conflict(
            f"breach {breach_id} has no decision to tell the people",
            fix="record it first: `dataward breaches decide ID --kind tell --reasons '...'`",
        )
    sent = 0
    for link in affected_people(session=session, breach_id=breach_id):
        if link.notified_at is not None:
            continue
        person = people.get_person(session=session, pseudonym=link.person_pseudonym)
        details = people.reveal(session=session, keyring=keyring, person=person)
        if details.email is None:
            continue
        link.notified_at = clock.now()
        session.flush()
        audit.record(
            session=session,
            clock=clock,
            actor=actor,
            action="breaches.person_told",
            object_type="breach",
            object_id=str(breach_id),
            subject=person.pseudonym,
            details={"notice_digest": keyring.digest(text.strip())},
        )
        send_mail(
            settings,
            notice_message(
                settings=settings, loaded=loaded, to=details.email, text=text, clock=clock
            ),
        )
        sent += 1
    return sent
