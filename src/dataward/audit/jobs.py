"""The audit domain's job: sign the checkpoints that are due."""

from __future__ import annotations

from typing import Any

from dataward.audit import service
from dataward.audit.checkpoints import catch_up
from dataward.core import jobs
from dataward.core.crypto import load_signing_key


def run_checkpoint_job(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    settings = ctx.runtime.settings
    key = load_signing_key(settings.resolved_signing_key_file)
    with ctx.runtime.transaction() as session:
        catch_up(session=session, clock=ctx.clock, key=key, every=settings.checkpoint_every)


HANDLERS: jobs.Handlers = {service.CHECKPOINT_JOB: run_checkpoint_job}
