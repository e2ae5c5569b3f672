"""A test client of the app whose policy is an example business's, and API tokens for it.

The fixtures are loaded by tests/consent/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import keyring_for
from fastapi.testclient import TestClient

from consent.ledger_factories import example_policy_file
from dataward.accounts import tokens
from dataward.accounts.roles import Role
from dataward.app import create_app
from dataward.core.runtime import Runtime


@pytest.fixture
def msp_runtime(runtime: Runtime) -> Runtime:
    runtime.settings = runtime.settings.model_copy(update={"policy": example_policy_file("msp")})
    keyring_for(runtime)
    return runtime


@pytest.fixture
def client(msp_runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(msp_runtime), follow_redirects=False) as test_client:
        yield test_client


def api_token(runtime: Runtime, role: Role, name: str = "mailer") -> dict[str, str]:
    with runtime.transaction() as session:
        _, token = tokens.create_token(
            session=session, clock=runtime.clock, name=name, role=role, actor="test"
        )
    return {"Authorization": f"Bearer {token}"}
