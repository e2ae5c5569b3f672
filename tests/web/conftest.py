"""Clients of the whole app as each kind of caller: anonymous, an account of each role
(signed in through the sign-in pages), an API token of each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from browser import StaffAccount, csrf_token, keyring_for, sign_in
from fastapi.testclient import TestClient

from dataward.accounts.roles import ACCOUNT_ROLES, Role
from dataward.app import create_app
from dataward.core.clock import today
from dataward.core.crypto import create_signing_key_file, pin_public_key
from dataward.core.runtime import Runtime
from dataward.examples.catalogue import load_generator, policy_path
from dataward.examples.systems import ENV_FILE

from .callers import Callers, api_token

BUSINESS = "support"


@pytest.fixture
def deployed(
    runtime: Runtime, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Runtime:
    """The test runtime as a real deployment of the support example: its data map
    (DATAWARD_POLICY) and its sample systems, so that every route has what it works with."""
    systems = tmp_path_factory.mktemp("systems")
    environment = load_generator(BUSINESS).generate(
        systems, people=12, seed=7, urls=None, today=today(runtime.clock)
    )
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    runtime.settings.policy = policy_path(BUSINESS)
    runtime.settings.systems_env_file = systems / ENV_FILE
    keyring_for(runtime)
    # The audit signing key and its pinned public key, as `dataward init` leaves them.
    settings = runtime.settings
    pin_public_key(
        settings.resolved_signing_public_keys_file,
        create_signing_key_file(settings.resolved_signing_key_file),
    )
    return runtime


@pytest.fixture
def callers(deployed: Runtime, staff_account: Callable[..., StaffAccount]) -> Iterator[Callers]:
    runtime = deployed
    app = create_app(runtime)
    opened: list[TestClient] = []

    def client() -> TestClient:
        made = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
        opened.append(made)
        return made

    sessions, csrf = {}, {}
    for role in ACCOUNT_ROLES:
        sessions[role] = client()
        sign_in(sessions[role], runtime, staff_account(role))
        csrf[role] = csrf_token(sessions[role], "/console")
    made_tokens = {role: api_token(runtime, role, f"matrix-{role.value}") for role in Role}
    try:
        yield Callers(app, client(), sessions, csrf, made_tokens)
    finally:
        for each in opened:
            each.close()
