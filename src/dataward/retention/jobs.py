"""Scheduled sweeps: the daily `retention.sweep` job fans out into one job per system.

`dataward serve` (or a worker) enqueues `retention.sweep` with an empty payload once a day;
that job queues one `retention.sweep` per system (deduplicated per day), so systems are swept
in parallel by as many workers as there are, and a system that is down retries on its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.core import jobs
from dataward.core.clock import today
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.errors import ConfigurationError, ConnectorError
from dataward.core.runtime import Runtime
from dataward.policy.service import load_policy
from dataward.retention.models import SweepRun
from dataward.retention.sweep import ACTOR, run_sweep

SWEEP_JOB = "retention.sweep"


def known_policy(*, session: Session, settings: Settings, given: str | None = None) -> Path:
    """The policy to sweep with: the one given, the configured one, or the last one swept."""
    if given:
        return Path(given)
    configured = settings.policy  # DATAWARD_POLICY
    if configured:
        return Path(configured)
    last = session.scalar(select(SweepRun.policy_path).order_by(SweepRun.id.desc()).limit(1))
    if last:
        return Path(last)
    raise ConfigurationError(
        "the daily retention sweep does not know which policy file to apply",
        fix="run `dataward retention sweep --policy dataward.yaml` once; later sweeps reuse it",
    )


def run_due_sweeps(*, runtime: Runtime, policy: Path | None = None) -> list[jobs.Job]:
    """Queue today's sweep of every system with retention rules (once per system per day)."""
    with runtime.transaction() as session:
        path = known_policy(
            session=session, settings=runtime.settings, given=str(policy) if policy else None
        )
        loaded = load_policy(path)
        day = today(runtime.clock).isoformat()
        queued = []
        for system in loaded.policy.systems:
            collections = system.dataset.collections if system.dataset else []
            if not any(c.retention for c in collections):
                continue
            queued.append(
                jobs.enqueue(
                    session=session,
                    clock=runtime.clock,
                    kind=SWEEP_JOB,
                    payload={"policy": str(loaded.path), "system": system.name},
                    dedupe_key=f"{SWEEP_JOB}:{system.name}:{day}",
                )
            )
    return queued


def sweep_job(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    """Without a system: fan out for today. With one: sweep it (and one collection, if named).
    With `whole` (a sweep someone asked for now): every system, in one run."""
    system = payload.get("system")
    if not system and not payload.get("whole"):
        policy = payload.get("policy")
        run_due_sweeps(runtime=ctx.runtime, policy=Path(policy) if policy else None)
        return
    with ctx.runtime.transaction() as session:
        path = known_policy(
            session=session, settings=ctx.runtime.settings, given=payload.get("policy")
        )
    with ctx.runtime.sessions() as session:
        # The job is the boundary: the sweep commits only through this checkpoint.
        report = run_sweep(
            session=session,
            checkpoint=session.commit,
            clock=ctx.runtime.clock,
            keyring=Keyring.from_settings(ctx.runtime.settings),
            loaded=load_policy(path),
            # Queued by someone (the console, the API): the run names them, not the schedule.
            actor=str(payload.get("actor") or ACTOR),
            system=str(system) if system else None,
            collection=payload.get("collection"),
        )
    failed = [o for o in report.outcomes if o.status == "failed"]
    if failed:
        # The job queue retries with backoff; what was done is kept, and is not redone.
        raise ConnectorError(
            "; ".join(f"{o.collection}: {o.error}" for o in failed),
            system=str(system) if system else failed[0].system,
            fix="the sweep is retried; see `dataward jobs list` for attempts",
        )


HANDLERS: jobs.Handlers = {SWEEP_JOB: sweep_job}
# The daily sweep, at 2am London time, when the systems are quiet.
SCHEDULES = (jobs.Schedule(kind=SWEEP_JOB, hour=2, payload={}),)
