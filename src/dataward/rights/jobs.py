"""The rights domain's job: execute a verified request (queued by verification)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dataward.core import jobs
from dataward.core.crypto import Keyring
from dataward.core.errors import ConnectorError, NotFound
from dataward.policy.cache import PolicyCache
from dataward.rights.context import ConnectorCache, ExecutionContext
from dataward.rights.execution import RUNNABLE, run_request
from dataward.rights.models import RequestState, RightsRequest
from dataward.rights.verification import EXECUTE_JOB

ACTOR = "system:rights"
# A worker process lives for many jobs: its connectors stay open between them, and the
# policies it loaded are kept while their files are unchanged.
WORKER_CONNECTORS = ConnectorCache()
WORKER_POLICIES = PolicyCache()


def execute_job(payload: dict[str, Any], job: jobs.JobContext) -> None:
    """The queued twin of the direct commands; a failed system makes the job retry later."""
    settings = job.runtime.settings
    keyring = Keyring.from_settings(settings)
    with job.runtime.transaction() as session:
        request = session.get(RightsRequest, int(payload["request_id"]))
        if request is None:
            raise NotFound(f"rights request {payload['request_id']} no longer exists")
        if RequestState(request.state) not in RUNNABLE:
            return  # withdrawn, refused, or already run: nothing to do
        ctx = ExecutionContext(
            session=session,
            keyring=keyring,
            clock=job.clock,
            home=settings.home,
            actor=ACTOR,
            loaded=WORKER_POLICIES.get(Path(request.policy_path)),
            commit=session.commit,
            connectors=WORKER_CONNECTORS,
        )
        outcome = run_request(ctx=ctx, request=request)
    unfinished = {**outcome.failed, **outcome.waiting}
    if unfinished:
        raise ConnectorError(
            f"request {request.reference} is not finished; it will be retried",
            system=", ".join(sorted(unfinished)),
        )


HANDLERS: jobs.Handlers = {EXECUTE_JOB: execute_job}
