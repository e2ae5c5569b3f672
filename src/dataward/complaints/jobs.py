"""The daily check: warn the DPO of complaints whose statutory acknowledgement day is near."""

from __future__ import annotations

import logging
from typing import Any

from dataward.breaches.alerts import dpo_address
from dataward.complaints import service
from dataward.core import jobs
from dataward.core.clock import today
from dataward.core.mail import new_message, send_mail
from dataward.policy.service import load_policy

ALERT_JOB = "complaints.alerts"
log = logging.getLogger(__name__)


def alert_job(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    settings = ctx.runtime.settings
    if settings.policy is None:
        log.info("complaint alerts skipped: DATAWARD_POLICY is not set")
        return
    policy = load_policy(settings.policy).policy
    with ctx.runtime.transaction() as session:
        on = today(ctx.clock)
        for complaint in service.to_alert(session=session, policy=policy, on=on):
            counted = service.due(complaint, policy)
            message = new_message(
                settings,
                to=dpo_address(policy),
                subject=f"Complaint {complaint.id}: acknowledge it by {counted.alert_on:%d %B %Y}",
                now=ctx.clock.now(),
            )
            message.set_content(
                f"Complaint {complaint.id}, received {complaint.received_on:%d %B %Y}, has not "
                f"been acknowledged.\nThe law's 30 days end on {counted.alert_on:%d %B %Y}.\n"
            )
            service.mark_alerted(session=session, clock=ctx.clock, complaint=complaint)
            send_mail(settings, message)


HANDLERS: jobs.Handlers = {ALERT_JOB: alert_job}
SCHEDULES = (jobs.Schedule(kind=ALERT_JOB, hour=8, payload={}),)
