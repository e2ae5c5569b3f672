"""The audit domain's job: sign the checkpoints that are due (every so many events)."""

from __future__ import annotations

from dataward.audit import service
from dataward.audit.sealing import run_checkpoint_job
from dataward.core import jobs

HANDLERS: jobs.Handlers = {service.CHECKPOINT_JOB: run_checkpoint_job}
