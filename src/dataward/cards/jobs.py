"""The daily card scan of the systems the policy marks (`card_scan.systems`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dataward.cards import service
from dataward.connectors.registry import environ_for_jobs
from dataward.core import jobs
from dataward.core.errors import ConfigurationError
from dataward.policy.service import load_policy

DAILY_JOB = "cards.scan"
ACTOR = "job:cards.scan"


def scan_job(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    path = payload.get("policy") or ctx.runtime.settings.policy
    if not path:
        raise ConfigurationError(
            "the daily card scan does not know which policy file to apply",
            fix="set DATAWARD_POLICY to the policy file",
        )
    loaded = load_policy(Path(path))
    marked = loaded.policy.card_scan
    if not marked.systems:
        return
    service.scan(
        runtime=ctx.runtime,
        loaded=loaded,
        systems=list(marked.systems),
        environ=environ_for_jobs(ctx.runtime.settings.systems_env_file),
        redact=marked.redact,
        actor=ACTOR,
    )


HANDLERS: jobs.Handlers = {DAILY_JOB: scan_job}
SCHEDULES = (jobs.Schedule(kind=DAILY_JOB, hour=4, payload={}),)
