"""The job queue: transactional enqueue, claims, retries, failures that stay visible."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from dataward.core import jobs
from dataward.core.clock import FixedClock
from dataward.core.runtime import Runtime

calls: list[tuple[str, dict[str, Any], int]] = []


def _ok(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    calls.append(("ok", payload, ctx.attempt))


def _flaky(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    calls.append(("flaky", payload, ctx.attempt))
    if ctx.attempt < 2:
        raise RuntimeError("system down")


def _broken(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    raise RuntimeError("always down")


# These tests hand the runner their own handlers; the domains' handlers are tested elsewhere.
HANDLERS: jobs.Handlers = {"test.ok": _ok, "test.flaky": _flaky, "test.broken": _broken}
DAILY = (jobs.Schedule(kind="retention.sweep", hour=2, payload={}),)


@pytest.fixture(autouse=True)
def _no_calls_yet() -> None:
    calls.clear()


def _job(runtime: Runtime, job_id: int) -> jobs.Job:
    with runtime.transaction() as session:
        job = session.get(jobs.Job, job_id)
        assert job is not None
        return job


def test_a_queued_job_runs_once_and_is_marked_done(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        job = jobs.enqueue(session=session, clock=runtime.clock, kind="test.ok", payload={"n": 1})
    assert jobs.run_until_idle(runtime, handlers=HANDLERS) == 1
    assert calls == [("ok", {"n": 1}, 1)]
    assert _job(runtime, job.id).state == jobs.JobState.DONE
    assert jobs.run_until_idle(runtime, handlers=HANDLERS) == 0


def test_a_job_enqueued_in_a_rolled_back_transaction_never_runs(runtime: Runtime) -> None:
    with pytest.raises(ZeroDivisionError), runtime.transaction() as session:
        jobs.enqueue(session=session, clock=runtime.clock, kind="test.ok", payload={})
        _ = 1 / 0
    assert jobs.run_until_idle(runtime, handlers=HANDLERS) == 0
    assert calls == []


def test_a_failing_job_is_retried_after_a_backoff(runtime: Runtime) -> None:
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    with runtime.transaction() as session:
        job = jobs.enqueue(session=session, clock=clock, kind="test.flaky", payload={})
    assert jobs.run_until_idle(runtime, handlers=HANDLERS) == 1
    stored = _job(runtime, job.id)
    assert stored.state == jobs.JobState.QUEUED
    assert stored.last_error is not None and "system down" in stored.last_error
    assert jobs.run_until_idle(runtime, handlers=HANDLERS) == 0  # not due yet
    clock.advance(seconds=31)
    assert jobs.run_until_idle(runtime, handlers=HANDLERS) == 1
    assert _job(runtime, job.id).state == jobs.JobState.DONE
    assert [c[2] for c in calls] == [1, 2]


def test_a_job_that_keeps_failing_ends_failed_and_visible(runtime: Runtime) -> None:
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    with runtime.transaction() as session:
        job = jobs.enqueue(
            session=session, clock=clock, kind="test.broken", payload={}, max_attempts=3
        )
    for _ in range(3):
        jobs.run_until_idle(runtime, handlers=HANDLERS)
        clock.advance(hours=2)
    stored = _job(runtime, job.id)
    assert stored.state == jobs.JobState.FAILED
    assert stored.attempts == 3
    assert "always down" in (stored.last_error or "")


def test_a_job_of_an_unknown_kind_fails_with_a_clear_error(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        job = jobs.enqueue(session=session, clock=runtime.clock, kind="no.such", payload={})
    jobs.run_until_idle(runtime, handlers=HANDLERS)
    stored = _job(runtime, job.id)
    assert stored.state == jobs.JobState.FAILED
    assert "no handler for job kind 'no.such'" in (stored.last_error or "")


def test_a_job_whose_worker_died_is_taken_again_when_its_lease_runs_out(
    runtime: Runtime,
) -> None:
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    with runtime.transaction() as session:
        job = jobs.enqueue(session=session, clock=clock, kind="test.ok", payload={})
    with runtime.transaction() as session:
        claimed = jobs.claim(session=session, clock=clock, worker="dead-worker")
        assert claimed is not None and claimed.id == job.id
    assert jobs.run_until_idle(runtime, handlers=HANDLERS) == 0  # leased to the dead worker
    clock.advance(minutes=16)
    assert jobs.run_until_idle(runtime, handlers=HANDLERS) == 1
    assert _job(runtime, job.id).state == jobs.JobState.DONE


def test_the_daily_schedule_is_enqueued_once_per_day_after_its_hour(runtime: Runtime) -> None:
    clock = runtime.clock
    assert isinstance(clock, FixedClock)
    clock.moment = datetime(2026, 6, 1, 0, 30, tzinfo=UTC)  # 01:30 in London (BST)
    with runtime.transaction() as session:
        assert jobs.enqueue_due_schedules(session=session, clock=clock, schedules=DAILY) == []
    clock.advance(hours=1)
    with runtime.transaction() as session:
        assert [
            j.kind
            for j in jobs.enqueue_due_schedules(session=session, clock=clock, schedules=DAILY)
        ] == ["retention.sweep"]
        assert jobs.enqueue_due_schedules(session=session, clock=clock, schedules=DAILY) == []
    clock.advance(days=1)
    with runtime.transaction() as session:
        assert len(jobs.enqueue_due_schedules(session=session, clock=clock, schedules=DAILY)) == 1
        kinds = session.scalars(select(jobs.Job.dedupe_key)).all()
    assert sorted(k or "" for k in kinds) == [
        "schedule:retention.sweep:2026-06-01",
        "schedule:retention.sweep:2026-06-02",
    ]


def test_a_dedupe_key_returns_the_existing_job(runtime: Runtime) -> None:
    with runtime.transaction() as session:
        first = jobs.enqueue(
            session=session, clock=runtime.clock, kind="test.ok", payload={}, dedupe_key="k"
        )
        again = jobs.enqueue(
            session=session, clock=runtime.clock, kind="test.ok", payload={}, dedupe_key="k"
        )
    assert first.id == again.id
    assert runtime.clock.now() - first.created_at < timedelta(seconds=1)
