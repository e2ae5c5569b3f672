"""The ledger: append-only events, each with its audit event; the latest one decides."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from consent.ledger_factories import FORM, event, example_policy
from dataward.audit import service as audit
from dataward.consent import service as suppression
from dataward.consent.ledger import (
    Contact,
    Entry,
    LedgerAction,
    Medium,
    Method,
    for_organisation,
    history,
    organisation_of,
    record,
    row_digest,
)
from dataward.consent.models import ConsentEvent
from dataward.consent.preferences import preferences
from dataward.consent.recording import RecordRequest, record_consent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.people import service as people


def test_an_event_says_who_when_how_and_what_they_saw_with_its_audit_event(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    row = event(session, keyring, clock, method=Method.ORDER_FORM)

    person = people.find_person(session=session, keyring=keyring, email="ann@example.com")
    assert person is not None and row.pseudonym == person.pseudonym
    assert row.identifier_hash == keyring.identifier_hash("email", "ANN@example.com")
    assert (row.purpose, row.medium, row.action, row.method) == (
        "marketing",
        "email",
        "given",
        "order-form",
    )
    assert row.wording_version == "order form v3"
    assert row.wording_digest == hashlib.sha256(b"Tick to get our offers by email.").hexdigest()
    assert row.recorded_at == clock.now() and row.recorded_by == "test:staff"
    (logged,) = audit.events(
        session=session, where=audit.EventFilter(action_prefix="consent.ledger.")
    )
    assert logged.action == "consent.ledger.given"
    assert (logged.object_type, logged.object_id, logged.subject) == (
        "consent_event",
        str(row.id),
        row.pseudonym,
    )
    assert logged.details["row"] == row_digest(row)
    stored = repr(session.execute(text("SELECT * FROM consent_events")).all())
    assert "ann" not in stored and "example.com" not in stored
    assert "ann" not in audit.event_bytes(logged).decode()


def test_the_latest_event_decides_and_all_media_covers_each(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    event(session, keyring, clock, medium=Medium.EMAIL)
    event(session, keyring, clock, medium=Medium.SMS)
    clock.advance(days=1)
    event(session, keyring, clock, medium=Medium.ALL, action=LedgerAction.WITHDRAWN)
    clock.advance(days=1)
    event(session, keyring, clock, medium=Medium.SMS)

    person = people.find_person(session=session, keyring=keyring, email="ann@example.com")
    assert person is not None
    states = {
        (p.purpose, p.medium): p.state
        for p in preferences(session=session, pseudonym=person.pseudonym)
    }
    assert states == {
        ("marketing", "all"): "withdrawn",
        ("marketing", "email"): "withdrawn",
        ("marketing", "sms"): "given",
    }
    assert len(history(session=session, pseudonym=person.pseudonym)) == 4


def test_nothing_updates_or_deletes_a_ledger_row(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    row = event(session, keyring, clock)
    row.action = "withdrawn"
    with pytest.raises(Conflict, match="append-only"):
        session.flush()
    session.rollback()

    row = event(session, keyring, clock)
    session.delete(row)
    with pytest.raises(Conflict, match="append-only"):
        session.flush()
    session.rollback()

    event(session, keyring, clock)
    with pytest.raises(Conflict, match="append-only"):
        session.execute(update(ConsentEvent).values(action="given"))
    with pytest.raises(Conflict, match="append-only"):
        session.execute(delete(ConsentEvent))
    assert session.scalars(select(ConsentEvent.action)).all() == ["given"]


def test_consent_for_a_school_names_the_school_and_who_gave_it(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    row = record(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="test:staff",
        contact=Contact(email="office@oakfield.example.sch.uk"),
        entry=Entry(
            purpose="school-account",
            medium=Medium.ALL,
            action=LedgerAction.GIVEN,
            wording=FORM,
            method=Method.EMAIL,
            organisation="Oakfield Primary School",
            given_by=Contact(email="head@oakfield.example.sch.uk", name="Jo Head"),
        ),
    )
    giver = people.find_person(
        session=session, keyring=keyring, email="head@oakfield.example.sch.uk"
    )
    assert giver is not None and row.given_by == giver.pseudonym
    assert organisation_of(keyring, row) == "Oakfield Primary School"
    assert "Oakfield" not in (row.organisation_sealed or "")
    found = for_organisation(session=session, keyring=keyring, name="oakfield  primary school")
    assert [r.id for r in found] == [row.id]


def test_service_and_emergency_channels_cannot_be_opted_in_or_out_of(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    msp = example_policy("msp")
    for channel in ("service", "emergency"):
        with pytest.raises(Conflict, match="no consent to give or withdraw"):
            record_consent(
                session=session,
                keyring=keyring,
                clock=clock,
                actor="test",
                request=RecordRequest(
                    purpose=channel,
                    medium="all",
                    action=LedgerAction.WITHDRAWN,
                    method="email",
                    wording=FORM,
                    email="ann@example.com",
                ),
                policy=msp,
            )
    assert session.scalars(select(ConsentEvent)).all() == []


def test_an_objection_suppresses_the_address_at_once(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    record_consent(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="test",
        request=RecordRequest(
            purpose="marketing",
            medium="all",
            action=LedgerAction.OBJECTED,
            method="letter",
            wording=FORM,
            email="ann@example.com",
        ),
        policy=example_policy("msp"),
    )
    assert suppression.is_suppressed(session=session, keyring=keyring, email="ann@example.com")


@pytest.mark.parametrize(
    ("purpose", "medium", "message"),
    [
        ("Marketing Emails!", "email", "not a purpose or channel name"),
        ("marketing", "fax", "not a medium"),
        ("marketing", "phone", "does not carry phone"),
        ("nosuch" * 20, "all", "not a purpose or channel name"),
    ],
)
def test_bad_names_are_refused_with_the_fix(
    session: Session, keyring: Keyring, clock: FixedClock, purpose: str, medium: str, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        record_consent(
            session=session,
            keyring=keyring,
            clock=clock,
            actor="test",
            request=RecordRequest(
                purpose=purpose,
                medium=medium,
                action=LedgerAction.GIVEN,
                method="web-form",
                wording=FORM,
                email="ann@example.com",
            ),
            policy=example_policy("msp"),
        )


def test_verify_names_a_row_changed_behind_the_orms_back(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    from dataward.consent.ledger_check import verify_ledger

    first = event(session, keyring, clock)
    event(session, keyring, clock, action=LedgerAction.WITHDRAWN)
    assert verify_ledger(session=session).problem is None
    session.execute(
        text("UPDATE consent_events SET action = 'given' WHERE id = :id"), {"id": first.id + 1}
    )
    found = verify_ledger(session=session)
    assert found.problem == f"row {first.id + 1} differs from its audit event"
