"""The daily access job: poll the sources that are tables, then check the rules again.

Rules are checked as each event arrives; the daily pass catches what arrived before a rule
was added to the policy, and events whose source is polled rather than pushed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from dataward.access import polling, service
from dataward.connectors.registry import environ_for_jobs
from dataward.core import jobs
from dataward.core.errors import ConfigurationError
from dataward.policy.service import load_policy

DAILY_JOB = "access.daily"
ACTOR = "job:access.daily"
# Events this old are checked again each day: a month covers a policy changed late.
RECHECK_DAYS = 31


def daily_job(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    runtime = ctx.runtime
    path = payload.get("policy") or runtime.settings.policy
    if not path:
        raise ConfigurationError(
            "the daily access check does not know which policy file to apply",
            fix="set DATAWARD_POLICY to the policy file",
        )
    loaded = load_policy(Path(path))
    environ = environ_for_jobs(runtime.settings.systems_env_file)
    for source in polling.polled_sources(loaded):
        polling.poll_source(
            runtime=runtime, loaded=loaded, source=source, environ=environ, actor=ACTOR
        )
    with runtime.transaction() as session:
        service.recheck(
            session=session,
            clock=runtime.clock,
            policy=loaded.policy,
            since=runtime.clock.now() - timedelta(days=RECHECK_DAYS),
            actor=ACTOR,
        )


HANDLERS: jobs.Handlers = {DAILY_JOB: daily_job}
SCHEDULES = (jobs.Schedule(kind=DAILY_JOB, hour=3, payload={}),)
