"""A job queue kept in Dataward's own database.

Jobs are rows enqueued in the same transaction as the change that asks for them (an outbox), so
a request and its execution job commit or vanish together. Workers claim jobs with
`FOR UPDATE SKIP LOCKED` on PostgreSQL, so any number of `dataward worker` processes can share
the queue; on the embedded SQLite default a single in-process thread runs them.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, event, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from dataward.core.clock import Clock
from dataward.core.db import Base, UTCDateTime
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime
from dataward.core.wakeup import NOTIFY_CHANNEL, WAKEUP, Listener, Wakeup

log = logging.getLogger(__name__)


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_claim", "state", "run_after"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20), default=JobState.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=5)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    locked_by: Mapped[str | None] = mapped_column(String(200))
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When a worker last claimed it: started_at - created_at is how long it waited in the queue.
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@dataclass
class JobContext:
    runtime: Runtime
    clock: Clock
    job_id: int
    attempt: int


# Each domain's jobs.py names its handlers (HANDLERS = {kind: function}); the boundary
# (server, tests) collects them through dataward.domains and hands them to the runner here.
Handler = Callable[[dict[str, Any], JobContext], None]
Handlers = Mapping[str, Handler]


def enqueue(
    *,
    session: Session,
    clock: Clock,
    kind: str,
    payload: dict[str, Any],
    run_after: datetime | None = None,
    dedupe_key: str | None = None,
    max_attempts: int = 5,
) -> Job:
    """Queue a job in the caller's transaction. A dedupe key already used returns that job."""
    if dedupe_key is not None:
        existing = session.scalar(select(Job).where(Job.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    now = clock.now()
    job = Job(
        kind=kind,
        payload=payload,
        state=JobState.QUEUED,
        attempts=0,
        max_attempts=max_attempts,
        run_after=run_after or now,
        dedupe_key=dedupe_key,
        created_at=now,
    )
    session.add(job)
    session.flush()
    _announce(session)
    return job


# A session that enqueued a job rings the workers once its transaction commits: this process's
# runners at once, other processes' through PostgreSQL's NOTIFY, which is delivered at commit
# (and never when the transaction rolls back).
_ENQUEUED = "dataward.jobs.enqueued"


def _announce(session: Session) -> None:
    if session.info.get(_ENQUEUED):
        return
    session.info[_ENQUEUED] = True
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})


@event.listens_for(Session, "after_commit")
def _ring_after_commit(session: Session) -> None:
    if session.info.pop(_ENQUEUED, False):
        WAKEUP.ring()


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_ENQUEUED, None)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


LEASE = timedelta(minutes=15)


def claim(*, session: Session, clock: Clock, worker: str) -> Job | None:
    """Take the oldest due job (or one whose worker died: its lease ran out)."""
    now = clock.now()
    due = (
        (Job.state == JobState.QUEUED)
        | ((Job.state == JobState.RUNNING) & (Job.locked_until < now))
    ) & (Job.run_after <= now)
    query = select(Job).where(due).order_by(Job.run_after, Job.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    job = session.scalar(query)
    if job is None:
        return None
    # The conditional update makes the claim safe where SKIP LOCKED does not exist (SQLite).
    values = {
        "state": JobState.RUNNING,
        "attempts": job.attempts + 1,
        "locked_by": worker,
        "locked_until": now + LEASE,
        "started_at": now,
    }
    claimed = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.attempts == job.attempts)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult has rowcount
        return None
    # What the update wrote, without reading the row back.
    for name, value in values.items():
        set_committed_value(job, name, value)
    return job


def backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** (attempt - 1), 3600))


def run_one(runtime: Runtime, *, handlers: Handlers, worker: str | None = None) -> bool:
    """Run one due job if there is one; return whether one ran."""
    worker = worker or worker_name()
    with runtime.transaction() as session:
        job = claim(session=session, clock=runtime.clock, worker=worker)
        if job is None:
            return False
        job_id, kind, payload, attempt = job.id, job.kind, dict(job.payload), job.attempts
    fn = handlers.get(kind)
    error: str | None = None
    if fn is None:
        error = f"no handler for job kind {kind!r}"
    else:
        try:
            fn(
                payload,
                JobContext(runtime=runtime, clock=runtime.clock, job_id=job_id, attempt=attempt),
            )
        except Exception as exc:
            log.warning("job %s (%s) attempt %s failed: %s", job_id, kind, attempt, exc)
            error = "".join(traceback.format_exception_only(exc)).strip()
    with runtime.transaction() as session:
        now = runtime.clock.now()
        if error is None:
            # Done needs nothing read first: one statement.
            session.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(
                    state=JobState.DONE,
                    finished_at=now,
                    last_error=None,
                    locked_by=None,
                    locked_until=None,
                )
                .execution_options(synchronize_session=False)
            )
        else:
            _record_failure(session, job_id, error, now=now, final=fn is None)
    try:
        runtime.end_boundary()  # e.g. sign the audit events the job appended
    except Exception as exc:  # the job's work is committed; the next boundary retries this
        log.warning("job %s (%s): end of job hook failed: %s", job_id, kind, exc)
    return True


def _record_failure(
    session: Session, job_id: int, error: str, *, now: datetime, final: bool
) -> None:
    stored = session.get(Job, job_id)
    if stored is None:
        return
    stored.locked_by = None
    stored.locked_until = None
    if stored.attempts >= stored.max_attempts or final:
        stored.state = JobState.FAILED
        stored.finished_at = now
        stored.last_error = error
    else:
        stored.state = JobState.QUEUED
        stored.run_after = now + backoff(stored.attempts)
        stored.last_error = error


def run_until_idle(runtime: Runtime, *, handlers: Handlers, limit: int = 10_000) -> int:
    """Run due jobs until none is left (tests, `dataward worker --once`)."""
    ran = 0
    while ran < limit and run_one(runtime, handlers=handlers):
        ran += 1
    return ran


def retry(*, session: Session, clock: Clock, job_id: int) -> Job:
    job = session.get(Job, job_id)
    if job is None:
        raise UsageError(f"no job {job_id}", fix="see `dataward jobs list`")
    job.state = JobState.QUEUED
    job.attempts = 0
    job.run_after = clock.now()
    job.finished_at = None
    session.flush()
    return job


class BackgroundRunner:
    """Runs queued jobs until stopped: a daemon thread of `dataward serve` (the embedded
    default), or the main loop of `dataward worker`. It runs a job the moment one is queued
    (see core/wakeup.py) and otherwise looks every `poll_seconds`."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        handlers: Handlers,
        poll_seconds: float = 2.0,
        bell: Wakeup = WAKEUP,
    ) -> None:
        self.runtime = runtime
        self.handlers = handlers
        self.poll_seconds = poll_seconds
        self.bell = bell
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name="dataward-jobs", daemon=True)
        self.listener = (
            Listener(runtime.engine, bell=bell) if Listener.wanted(runtime.engine) else None
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.bell.ring()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self.listener is not None:
            self.listener.stop()

    def run(self) -> None:
        if self.listener is not None:
            self.listener.start()
        while not self._stop.is_set():
            seen = self.bell.generation
            try:
                ran = run_one(self.runtime, handlers=self.handlers)
            except Exception:
                log.exception("job runner error")
                ran = False
            if not ran and not self._stop.is_set():
                self.bell.wait(seen, self.poll_seconds)


@dataclass(frozen=True)
class Schedule:
    """A job kind enqueued once a day at a London hour; the dedupe key stops doubles."""

    kind: str
    hour: int
    payload: Mapping[str, Any]


def enqueue_due_schedules(
    *, session: Session, clock: Clock, schedules: Iterable[Schedule]
) -> list[Job]:
    """Enqueue today's scheduled jobs whose hour has come (any number of servers may call it)."""
    from dataward.core.clock import LONDON

    local = clock.now().astimezone(LONDON)
    queued = []
    for schedule in schedules:
        if local.hour < schedule.hour:
            continue
        key = f"schedule:{schedule.kind}:{local.date().isoformat()}"
        if session.scalar(select(Job.id).where(Job.dedupe_key == key)) is not None:
            continue
        queued.append(
            enqueue(
                session=session,
                clock=clock,
                kind=schedule.kind,
                payload=dict(schedule.payload),
                dedupe_key=key,
            )
        )
    return queued


def enqueue_schedules(runtime: Runtime, schedules: Iterable[Schedule]) -> None:
    """Enqueue due scheduled jobs in their own transaction; losing a race is fine."""
    try:
        with runtime.transaction() as session:
            enqueue_due_schedules(session=session, clock=runtime.clock, schedules=schedules)
    except IntegrityError:
        log.debug("another process enqueued today's scheduled jobs first")
