"""JSON routes of retention: legal holds, sweep runs and their evidence, the forecast, reviews.

Thin: each parses, calls the retention services (as `dataward holds` and `dataward retention`
do) and shapes the answer. Hold reasons and review notes are sealed staff text: only roles
that may read personal data get them back.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.core.api_errors import API_ERRORS
from dataward.core.web import DbSession, KeyringDep, RuntimeDep
from dataward.policy.web import PolicyDep, served_policy
from dataward.retention import holds, overview, reviews, views
from dataward.retention.evidence import recent_runs
from dataward.retention.forecast import MAX_MONTHS, forecast
from dataward.retention.models import HoldScope
from dataward.retention.schemas import (
    ForecastOut,
    HoldIn,
    HoldOut,
    NoteIn,
    QueuedOut,
    ReasonIn,
    ReviewOut,
    RunDetailOut,
    RunOut,
    SweepIn,
)

router = APIRouter(tags=["retention"], responses=API_ERRORS)
# An id in a path: a positive 32-bit integer (a bigger one is no row, and some databases'
# integers overflow on it).
PathId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/holds", response_model=list[HoldOut])
def list_holds(
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    include_released: bool = False,
    principal: Principal = api_access(Permission.RETENTION_READ),
) -> list[HoldOut]:
    personal = principal.can(Permission.PERSONAL_DATA_READ)
    keyring.attach(session)
    return [
        views.hold_out(h, keyring=keyring, clock=runtime.clock, personal=personal)
        for h in holds.list_holds(session=session, include_released=include_released)
    ]


@router.post("/holds", response_model=HoldOut, status_code=201)
def place_hold(
    body: HoldIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.RETENTION_ACT),
) -> HoldOut:
    # A person is held without the policy: only a record or a collection is looked up in it.
    policy = None if body.scope == HoldScope.PERSON else served_policy(runtime)
    hold = views.place_hold(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        policy=policy.policy if policy else None,
        actor=principal.actor,
        hold=body,
    )
    personal = principal.can(Permission.PERSONAL_DATA_READ)
    return views.hold_out(hold, keyring=keyring, clock=runtime.clock, personal=personal)


@router.post("/holds/{hold_id}/release", response_model=HoldOut)
def release_hold(
    hold_id: PathId,
    body: ReasonIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.RETENTION_ACT),
) -> HoldOut:
    hold = holds.release_hold(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        actor=principal.actor,
        hold_id=hold_id,
        reason=views.checked_note(body.reason),
    )
    personal = principal.can(Permission.PERSONAL_DATA_READ)
    return views.hold_out(hold, keyring=keyring, clock=runtime.clock, personal=personal)


@router.get("/retention/runs", response_model=list[RunOut])
def list_runs(
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    principal: Principal = api_access(Permission.RETENTION_READ),
) -> list[RunOut]:
    return [views.run_out(r) for r in recent_runs(session=session, limit=limit)]


@router.get("/retention/runs/{run_id}", response_model=RunDetailOut)
def run_detail(
    run_id: PathId,
    session: DbSession,
    digests: bool = False,
    principal: Principal = api_access(Permission.RETENTION_READ),
) -> RunDetailOut:
    """The run and each batch's evidence; `digests=true` adds every key digest (large)."""
    run = overview.get_run(session=session, run_id=run_id)
    return views.run_detail(session=session, run=run, digests=digests)


@router.post("/retention/runs", response_model=QueuedOut, status_code=202)
def queue_sweep(
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    body: SweepIn | None = None,
    principal: Principal = api_access(Permission.RETENTION_ACT),
) -> QueuedOut:
    """Queue a sweep for the job runner; its run appears in the list once it starts."""
    job = overview.queue_sweep(
        session=session,
        clock=runtime.clock,
        loaded=loaded,
        actor=principal.actor,
        system=body.system if body else None,
    )
    return QueuedOut(job=job.id, state=job.state)


@router.get("/retention/forecast", response_model=ForecastOut)
def retention_forecast(
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    months: Annotated[int, Query(ge=1, le=MAX_MONTHS)] = 12,
    system: Annotated[str | None, Query(max_length=200)] = None,
    principal: Principal = api_access(Permission.RETENTION_READ),
) -> ForecastOut:
    result = forecast(
        session=session,
        loaded=loaded,
        clock=runtime.clock,
        months=months,
        system=system,
    )
    return views.forecast_out(result)


@router.get("/retention/reviews", response_model=list[ReviewOut])
def list_reviews(
    session: DbSession,
    keyring: KeyringDep,
    include_resolved: bool = False,
    principal: Principal = api_access(Permission.RETENTION_READ),
) -> list[ReviewOut]:
    personal = principal.can(Permission.PERSONAL_DATA_READ)
    keyring.attach(session)
    return [
        views.review_out(t, keyring=keyring, personal=personal)
        for t in reviews.list_reviews(session=session, include_resolved=include_resolved)
    ]


@router.post("/retention/reviews/{task_id}/resolve", response_model=ReviewOut)
def resolve_review(
    task_id: PathId,
    body: NoteIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.RETENTION_ACT),
) -> ReviewOut:
    task = reviews.resolve_review(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        actor=principal.actor,
        task_id=task_id,
        resolution=views.checked_note(body.note),
    )
    personal = principal.can(Permission.PERSONAL_DATA_READ)
    return views.review_out(task, keyring=keyring, personal=personal)
