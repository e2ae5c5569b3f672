"""Appending many events at once, and many single events in one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.audit.models import AuditEvent
from dataward.audit.verify import verify
from dataward.core.clock import FixedClock
from dataward.core.jobs import Job


def _one(session: Session, clock: FixedClock, n: int) -> AuditEvent:
    return audit.record(
        session=session,
        clock=clock,
        actor="system:test",
        action="test.one",
        object_type="n",
        object_id=str(n),
    )


def _many(count: int, **extra: object) -> list[audit.NewEvent]:
    return [
        audit.NewEvent(
            actor="system:sweep",
            action="retention.sweep.batch_deleted",
            object_type="collection",
            object_id="calls.recordings",
            details={"batch": n, **extra},
        )
        for n in range(count)
    ]


def test_record_many_continues_the_chain_in_order_and_it_verifies(
    session: Session, clock: FixedClock
) -> None:
    _one(session, clock, 1)
    heads = audit.record_many(session=session, clock=clock, events=_many(5))
    last = _one(session, clock, 7)
    assert [h.sequence for h in heads] == [2, 3, 4, 5, 6]
    assert last.sequence == 7
    stored = {e.sequence: e for e in audit.events(session=session)}
    assert [stored[h.sequence].hash for h in heads] == [h.hash for h in heads]
    assert stored[7].prev_hash == heads[-1].hash
    assert [stored[s].details["batch"] for s in range(2, 7)] == [0, 1, 2, 3, 4]
    report = verify(session=session)
    assert report.ok, report.problem
    assert report.events == 7


def test_record_many_refuses_personal_data_before_appending_anything(
    session: Session, clock: FixedClock
) -> None:
    events = [*_many(2), *_many(1, contact="alice@example.com")]
    with pytest.raises(ValueError, match="email address"):
        audit.record_many(session=session, clock=clock, events=events)
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_record_many_of_nothing_appends_nothing(session: Session, clock: FixedClock) -> None:
    assert audit.record_many(session=session, clock=clock, events=[]) == []
    assert audit.chain_head(session) is None


def test_record_many_queues_the_checkpoint_job_when_it_passes_a_probe(
    session: Session, clock: FixedClock
) -> None:
    audit.record_many(session=session, clock=clock, events=_many(audit.CHECKPOINT_PROBE + 5))
    queued = session.scalars(select(Job).where(Job.kind == audit.CHECKPOINT_JOB)).all()
    assert [job.payload for job in queued] == [{"sequence": audit.CHECKPOINT_PROBE}]


def test_a_rolled_back_savepoint_leaves_no_stale_head_behind(
    session: Session, clock: FixedClock
) -> None:
    _one(session, clock, 1)
    savepoint = session.begin_nested()
    _one(session, clock, 2)
    audit.record_many(session=session, clock=clock, events=_many(2))
    savepoint.rollback()
    after = _one(session, clock, 3)
    assert after.sequence == 2
    assert verify(session=session).ok
