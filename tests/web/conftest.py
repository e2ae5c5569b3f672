"""Clients of the whole app as each kind of caller: anonymous, an account of each role
(signed in through the sign-in pages), an API token of each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from browser import StaffAccount, csrf_token, keyring_for, sign_in
from fastapi.testclient import TestClient

from dataward.accounts.roles import ACCOUNT_ROLES, Role
from dataward.app import create_app
from dataward.core.runtime import Runtime

from .callers import Callers, api_token


@pytest.fixture
def callers(runtime: Runtime, staff_account: Callable[..., StaffAccount]) -> Iterator[Callers]:
    keyring_for(runtime)
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
