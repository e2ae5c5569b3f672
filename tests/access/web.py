"""The web app over a test runtime that applies an example's data map, and API tokens."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from dataward.accounts import tokens
from dataward.accounts.roles import Role
from dataward.app import create_app
from dataward.core.runtime import Runtime


def configured(runtime: Runtime, policy: Path, env_file: Path | None = None) -> Runtime:
    """The runtime as `dataward serve` runs with DATAWARD_POLICY (and the systems' env file)."""
    runtime.settings = runtime.settings.model_copy(
        update={"policy": policy, "systems_env_file": env_file}
    )
    return runtime


def app_client(runtime: Runtime) -> TestClient:
    from browser import keyring_for

    keyring_for(runtime)
    return TestClient(create_app(runtime), follow_redirects=False)


def api_token(runtime: Runtime, name: str, role: Role = Role.SOURCE) -> dict[str, str]:
    """A bearer header for a new API token of that name and role."""
    with runtime.transaction() as session:
        _, token = tokens.create_token(
            session=session, clock=runtime.clock, name=name, role=role, actor="test"
        )
    return {"Authorization": f"Bearer {token}"}
