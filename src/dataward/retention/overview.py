"""What the console shows of retention: runs, a run's detail, the dashboard's figures, and a
sweep someone asks for now (queued as a job, so the request returns at once)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core import jobs
from dataward.core.clock import Clock, today
from dataward.core.errors import NotFound, UsageError
from dataward.policy.service import LoadedPolicy
from dataward.retention.jobs import SWEEP_JOB
from dataward.retention.models import LegalHold, ReviewStatus, ReviewTask, SweepRun


def get_run(*, session: Session, run_id: int) -> SweepRun:
    run = session.get(SweepRun, run_id)
    if run is None:
        raise NotFound(f"there is no sweep run {run_id}", fix="see the list of runs")
    return run


def queue_sweep(
    *,
    session: Session,
    clock: Clock,
    loaded: LoadedPolicy,
    actor: str,
    system: str | None = None,
) -> jobs.Job:
    """Queue a sweep of every system (or one) with this policy, for a job runner."""
    path = loaded.path
    if system is not None and loaded.policy.system(system) is None:
        raise UsageError(f"the policy has no system {system!r}", fix="leave it out to sweep all")
    job = jobs.enqueue(
        session=session,
        clock=clock,
        kind=SWEEP_JOB,
        payload={"policy": str(path), "system": system, "whole": system is None, "actor": actor},
    )
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="retention.sweep.queued",
        object_type="job",
        object_id=str(job.id),
        details={"system": system},
    )
    return job


@dataclass(frozen=True)
class RetentionFigures:
    """The dashboard's line on retention."""

    last_run: SweepRun | None
    open_reviews: int
    active_holds: int
    holds_due: int

    @property
    def last_deleted(self) -> int | None:
        if self.last_run is None or not self.last_run.summary:
            return None
        acted = self.last_run.summary.get("acted")
        return acted if isinstance(acted, int) else None


def figures(*, session: Session, clock: Clock) -> RetentionFigures:
    active = LegalHold.released_at.is_(None)
    return RetentionFigures(
        last_run=session.scalar(select(SweepRun).order_by(SweepRun.id.desc()).limit(1)),
        open_reviews=session.scalar(
            select(func.count())
            .select_from(ReviewTask)
            .where(ReviewTask.status == ReviewStatus.OPEN)
        )
        or 0,
        active_holds=session.scalar(select(func.count()).select_from(LegalHold).where(active)) or 0,
        holds_due=session.scalar(
            select(func.count())
            .select_from(LegalHold)
            .where(active, LegalHold.review_on.is_not(None), LegalHold.review_on <= today(clock))
        )
        or 0,
    )
