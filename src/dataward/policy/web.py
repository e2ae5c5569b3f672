"""The policy a web request works with: DATAWARD_POLICY, loaded once and reloaded when edited."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends
from starlette.concurrency import run_in_threadpool

from dataward.core.errors import ConfigurationError
from dataward.core.web import RuntimeDep
from dataward.policy.cache import PolicyCache
from dataward.policy.service import LoadedPolicy

# One per process, shared by every request: a policy file is read again only when it changed.
SERVED_POLICIES = PolicyCache()


def served_path(runtime: RuntimeDep) -> Path:
    """DATAWARD_POLICY itself, for what reads the file even when it has errors (the check)."""
    path = runtime.settings.policy
    if path is None:
        raise ConfigurationError(
            "no policy is configured for the web service",
            fix="set DATAWARD_POLICY to the path of dataward.yaml and restart `dataward serve`",
        )
    return path


def served_policy(runtime: RuntimeDep) -> LoadedPolicy:
    return SERVED_POLICIES.get(served_path(runtime))


async def _request_policy(runtime: RuntimeDep) -> LoadedPolicy:
    # On the event loop when the kept policy is current (a stat of its files); a load, which
    # reads and checks the YAML, goes to a worker thread.
    path = served_path(runtime)
    kept = SERVED_POLICIES.unchanged(path)
    if kept is not None:
        return kept
    return await run_in_threadpool(SERVED_POLICIES.get, path)


PolicyDep = Annotated[LoadedPolicy, Depends(_request_policy)]
