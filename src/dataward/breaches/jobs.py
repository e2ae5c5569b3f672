"""Breach jobs: each alert is queued for its hour when the breach is opened; a daily check
catches any a stopped worker missed."""

from __future__ import annotations

from typing import Any

from dataward.breaches.alerts import send_due_alerts
from dataward.breaches.service import ALERT_JOB
from dataward.core import jobs

CHECK_JOB = "breaches.check"


def alert_job(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    with ctx.runtime.transaction() as session:
        send_due_alerts(
            session=session,
            clock=ctx.clock,
            settings=ctx.runtime.settings,
            breach_id=int(payload["breach"]),
        )


def check_job(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    with ctx.runtime.transaction() as session:
        send_due_alerts(session=session, clock=ctx.clock, settings=ctx.runtime.settings)


HANDLERS: jobs.Handlers = {ALERT_JOB: alert_job, CHECK_JOB: check_job}
SCHEDULES = (jobs.Schedule(kind=CHECK_JOB, hour=8, payload={}),)
