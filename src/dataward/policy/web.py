"""The policy a web request works with: DATAWARD_POLICY, loaded once and reloaded when edited."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from dataward.core.errors import ConfigurationError
from dataward.core.web import RuntimeDep
from dataward.policy.cache import PolicyCache
from dataward.policy.service import LoadedPolicy

# One per process, shared by every request: a policy file is read again only when it changed.
SERVED_POLICIES = PolicyCache()


def served_policy(runtime: RuntimeDep) -> LoadedPolicy:
    path = runtime.settings.policy
    if path is None:
        raise ConfigurationError(
            "no policy is configured for the web service",
            fix="set DATAWARD_POLICY to the path of dataward.yaml and restart `dataward serve`",
        )
    return SERVED_POLICIES.get(path)


PolicyDep = Annotated[LoadedPolicy, Depends(served_policy)]
