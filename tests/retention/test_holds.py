"""Legal holds: placing, matching and releasing them, and what they say about themselves."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit.models import AuditEvent
from dataward.connectors.service import Identities
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import NotFound, UsageError
from dataward.policy.schema import Policy
from dataward.retention import service
from dataward.retention.models import HoldScope


def _events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_record_hold_keeps_that_record_and_no_other(
    session: Session, clock: FixedClock, policy: Policy, keyring: Keyring
) -> None:
    service.hold_record(
        session=session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        actor="cli:alice",
        system="helpdesk",
        collection="customers",
        key="17",
        reason="claim 2026/14",
    )
    held = service.held_keys(
        session=session, system="helpdesk", collection="customers", keys=[(16,), (17,), (18,)]
    )
    assert held == {(17,)}
    assert not service.held_keys(
        session=session, system="helpdesk", collection="tickets", keys=[(17,)]
    )


def test_a_record_hold_names_a_composite_key_by_its_parts(
    session: Session, clock: FixedClock, policy: Policy, keyring: Keyring
) -> None:
    hold = service.hold_record(
        session=session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        actor="cli:alice",
        system="helpdesk",
        collection="calls",
        key="bath,42",
        reason="dispute",
    )
    assert hold.target == "helpdesk/calls/bath,42"
    held = service.held_keys(
        session=session,
        system="helpdesk",
        collection="calls",
        keys=[("bath", 42), ("bath", 43), ("leeds", 42)],
    )
    assert held == {("bath", 42)}
    with pytest.raises(UsageError, match="2-part key"):
        service.hold_record(
            session=session,
            keyring=keyring,
            clock=clock,
            policy=policy,
            actor="cli:alice",
            system="helpdesk",
            collection="calls",
            key="42",
            reason="dispute",
        )


def test_a_collection_hold_keeps_every_record_of_it(
    session: Session, clock: FixedClock, policy: Policy, keyring: Keyring
) -> None:
    service.hold_collection(
        session=session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        actor="cli:alice",
        system="helpdesk",
        collection="tickets",
        reason="ICO investigation",
    )
    keys = [(1,), (2,), (3,)]
    assert service.held_keys(
        session=session, system="helpdesk", collection="tickets", keys=keys
    ) == set(keys)


def test_a_released_hold_keeps_nothing_and_both_steps_are_audited(
    session: Session, clock: FixedClock, policy: Policy, keyring: Keyring
) -> None:
    hold = service.hold_record(
        session=session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        actor="cli:alice",
        system="helpdesk",
        collection="customers",
        key="17",
        reason="claim 2026/14",
    )
    service.release_hold(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="cli:bob",
        hold_id=hold.id,
        reason="claim settled",
    )
    assert not service.held_keys(
        session=session, system="helpdesk", collection="customers", keys=[(17,)]
    )
    assert service.list_holds(session=session) == []
    assert service.list_holds(session=session, include_released=True) == [hold]
    placed = _events(session, "retention.hold.placed")
    released = _events(session, "retention.hold.released")
    assert [e.object_id for e in placed] == [str(hold.id)]
    assert released[0].actor == "cli:bob"
    assert released[0].details["reason_digest"] == keyring.digest("claim settled")
    with pytest.raises(UsageError, match="already released"):
        service.release_hold(
            session=session,
            keyring=keyring,
            clock=clock,
            actor="cli:bob",
            hold_id=hold.id,
            reason="again",
        )


def test_releasing_an_unknown_hold_says_so(
    session: Session, clock: FixedClock, keyring: Keyring
) -> None:
    with pytest.raises(NotFound, match="no legal hold 999"):
        service.release_hold(
            session=session, keyring=keyring, clock=clock, actor="cli:bob", hold_id=999, reason="x"
        )


def test_a_hold_needs_a_reason_and_a_declared_target(
    session: Session, clock: FixedClock, policy: Policy, keyring: Keyring
) -> None:
    with pytest.raises(UsageError, match="needs a reason"):
        service.hold_collection(
            session=session,
            keyring=keyring,
            clock=clock,
            policy=policy,
            actor="cli:alice",
            system="helpdesk",
            collection="tickets",
            reason="  ",
        )
    with pytest.raises(UsageError, match="no collection 'ticket'"):
        service.hold_collection(
            session=session,
            keyring=keyring,
            clock=clock,
            policy=policy,
            actor="cli:alice",
            system="helpdesk",
            collection="ticket",
            reason="x",
        )
    with pytest.raises(UsageError, match="no system 'crm'"):
        service.hold_collection(
            session=session,
            keyring=keyring,
            clock=clock,
            policy=policy,
            actor="cli:alice",
            system="crm",
            collection="tickets",
            reason="x",
        )


def test_a_person_hold_stores_a_keyed_hash_never_the_address(
    session: Session, clock: FixedClock, keyring: Keyring
) -> None:
    hold = service.hold_person(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="cli:alice",
        email="Dana.Reed@Example.com",
        reason="employment tribunal",
        review_on=date(2026, 9, 1),
    )
    assert hold.scope == HoldScope.PERSON
    assert hold.identity_hash == keyring.identifier_hash("email", "dana.reed@example.com")
    stored = [str(v) for v in vars(hold).values()]
    assert not any("dana" in value.lower() for value in stored)
    event = _events(session, "retention.hold.placed")[0]
    assert event.subject == hold.person_pseudonym
    assert "dana" not in str(event.details).lower()


def test_person_holds_are_found_by_any_identity_the_person_is_known_by(
    session: Session, clock: FixedClock, keyring: Keyring
) -> None:
    from dataward.people import service as people

    people.register_person(
        session=session,
        keyring=keyring,
        clock=clock,
        email="dana@example.com",
        phone="07700 900123",
    )
    hold = service.hold_person(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="cli:alice",
        email="dana@example.com",
        reason="claim",
    )
    by_email = Identities.of(email="DANA@example.com")
    by_phone = Identities.of(phone="+44 7700 900123")
    stranger = Identities.of(email="someone@example.com")
    assert service.person_holds(session=session, keyring=keyring, identities=by_email) == [hold]
    assert service.person_holds(session=session, keyring=keyring, identities=by_phone) == [hold]
    assert service.person_holds(session=session, keyring=keyring, identities=stranger) == []


def test_a_person_hold_names_exactly_one_identifier(
    session: Session, clock: FixedClock, keyring: Keyring
) -> None:
    with pytest.raises(UsageError, match="one identifier"):
        service.hold_person(
            session=session, keyring=keyring, clock=clock, actor="cli:alice", reason="x"
        )


def test_holds_past_their_review_date_are_due_for_review(
    session: Session, clock: FixedClock, policy: Policy, keyring: Keyring
) -> None:
    hold = service.hold_collection(
        session=session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        actor="cli:alice",
        system="helpdesk",
        collection="tickets",
        reason="audit",
        review_on=date(2026, 3, 3),
    )
    assert not service.due_for_review(hold, clock=clock)
    clock.advance(days=1)
    assert service.due_for_review(hold, clock=clock)
