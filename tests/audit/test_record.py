"""Appending to the audit chain."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.audit.models import GENESIS_HASH, AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.jobs import Job


def _record(
    session: Session, clock: FixedClock, action: str = "test.done", **kw: object
) -> AuditEvent:
    return audit.record(
        session=session,
        clock=clock,
        actor="cli:alice",
        action=action,
        object_type="thing",
        **kw,  # type: ignore[arg-type]
    )


def test_events_are_numbered_from_one_and_chained_by_hash(
    session: Session, clock: FixedClock
) -> None:
    first = _record(session, clock, object_id="1")
    second = _record(session, clock, object_id="2", subject="p_0011223344556677")
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash


def test_the_hash_covers_the_canonical_json_of_every_field(
    session: Session, clock: FixedClock
) -> None:
    event = _record(session, clock, object_id="7", details={"b": 1, "a": ["x", 2]})
    canonical = (
        '{"action":"test.done","actor":"cli:alice","at":"2026-03-02T10:00:00.000000+00:00",'
        '"details":{"a":["x",2],"b":1},"object_id":"7","object_type":"thing","sequence":1,'
        '"subject":null}'
    )
    assert audit.event_bytes(event).decode() == canonical
    assert event.hash == hashlib.sha256((GENESIS_HASH + canonical).encode()).hexdigest()


def test_stored_events_hash_the_same_after_a_round_trip_through_the_database(
    session: Session, clock: FixedClock
) -> None:
    clock.moment = datetime(2026, 3, 2, 10, 0, 0, 123456, tzinfo=UTC)
    made = _record(session, clock, details={"count": 3, "ratio": 0.25, "text": "é ✓"})
    session.flush()
    session.expire_all()
    stored = session.scalar(select(AuditEvent).where(AuditEvent.sequence == made.sequence))
    assert stored is not None
    assert audit.expected_hash(stored) == stored.hash


def test_details_are_stored_as_plain_json(session: Session, clock: FixedClock) -> None:
    event = _record(session, clock, details={"keys": ("a", "b"), "n": 1})
    assert event.details == {"keys": ["a", "b"], "n": 1}


def test_details_that_are_not_json_are_refused(session: Session, clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="plain JSON"):
        _record(session, clock, details={"when": date(2026, 1, 1)})
    with pytest.raises(ValueError, match="plain JSON"):
        _record(session, clock, details={"x": float("nan")})


@pytest.mark.parametrize(
    "details",
    [{"email": "alice@example.com"}, {"people": [{"to": "Bob <bob@example.co.uk>"}]}],
)
def test_plaintext_email_addresses_are_kept_out_of_the_log(
    session: Session, clock: FixedClock, details: dict[str, object]
) -> None:
    with pytest.raises(ValueError, match="plaintext personal data"):
        _record(session, clock, details=details)
    with pytest.raises(ValueError, match="pseudonym"):
        _record(session, clock, subject="alice@example.com")


def test_every_hundredth_event_queues_a_checkpoint_job(session: Session, clock: FixedClock) -> None:
    for _ in range(audit.CHECKPOINT_PROBE):
        _record(session, clock)
    jobs = list(session.scalars(select(Job).where(Job.kind == audit.CHECKPOINT_JOB)))
    assert [job.payload for job in jobs] == [{"sequence": audit.CHECKPOINT_PROBE}]


def test_events_can_be_listed_by_action_prefix_subject_and_day(
    session: Session, clock: FixedClock
) -> None:
    _record(session, clock, action="rights.request.opened", subject="p_a")
    clock.advance(days=1)
    _record(session, clock, action="rights.request_extra.x", subject="p_b")
    _record(session, clock, action="retention.sweep.batch_deleted")

    def listed(**where: object) -> list[int]:
        found = audit.events(session=session, where=audit.EventFilter(**where), batch=2)  # type: ignore[arg-type]
        return [e.sequence for e in found]

    assert listed() == [1, 2, 3]
    assert listed(action_prefix="rights.request") == [1]
    assert listed(action_prefix="rights") == [1, 2]
    assert listed(subject="p_b") == [2]
    assert listed(since=date(2026, 3, 3)) == [2, 3]
    assert json.loads(audit.canonical({"b": 1, "a": 2})) == {"a": 2, "b": 1}
