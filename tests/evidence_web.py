"""A deployment for the console's evidence pages and their API: the retention tests' helpdesk
(a real SQLite source with real rows), its policy file configured as DATAWARD_POLICY, signing
keys, the app, API tokens and signed-in browsers of every role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import yaml
from browser import StaffAccount, csrf_token, keyring_for, sign_in
from fastapi import FastAPI
from fastapi.testclient import TestClient
from retention import source
from retention.conftest import policy_document
from retention.test_sweep import seed
from sqlalchemy import Engine, create_engine

from dataward.accounts import tokens
from dataward.accounts.roles import Role
from dataward.app import create_app
from dataward.core.crypto import Keyring, create_signing_key_file
from dataward.core.runtime import Runtime

ROLES = (Role.ADMIN, Role.DPO, Role.STAFF, Role.AUDITOR)


@dataclass
class Console:
    runtime: Runtime
    policy: Path
    helpdesk: Engine
    keyring: Keyring
    make_account: Callable[..., StaffAccount]
    _app: FastAPI | None = None
    _tokens: dict[str, str] = field(default_factory=dict)
    _clients: list[TestClient] = field(default_factory=list)

    @property
    def app(self) -> FastAPI:
        if self._app is None:
            self._app = create_app(self.runtime)
        return self._app

    def client(self) -> TestClient:
        made = TestClient(self.app, follow_redirects=False)
        self._clients.append(made)
        return made

    def api(self, role: Role | str) -> dict[str, str]:
        """Headers carrying an API token of that role."""
        name = Role(role).value
        if name not in self._tokens:
            with self.runtime.transaction() as session:
                _, token = tokens.create_token(
                    session=session,
                    clock=self.runtime.clock,
                    name=f"test-{name}",
                    role=Role(role),
                    actor="test:fixture",
                )
            self._tokens[name] = token
        return {"Authorization": f"Bearer {self._tokens[name]}"}

    def browser(self, role: Role | str) -> TestClient:
        """A client signed in to the console with a new account of that role."""
        made = self.client()
        sign_in(made, self.runtime, self.make_account(role))
        return made

    def post_form(
        self, browser: TestClient, page: str, action: str, form: dict[str, str]
    ) -> httpx.Response:
        """Post a form of `page` the way a browser does, with the page's CSRF token."""
        answer: httpx.Response = browser.post(
            action, data={**form, "csrf_token": csrf_token(browser, page)}
        )
        return answer

    def close(self) -> None:
        for made in self._clients:
            made.close()
        self.helpdesk.dispose()


@pytest.fixture
def console(
    runtime: Runtime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    staff_account: Callable[..., StaffAccount],
) -> Iterator[Console]:
    database = tmp_path / "helpdesk.db"
    helpdesk = create_engine(f"sqlite:///{database}")
    source.create(helpdesk)
    seed(helpdesk)
    monkeypatch.setenv("HELPDESK_URL", f"sqlite:///{database}")
    policy = tmp_path / "dataward.yaml"
    policy.write_text(yaml.safe_dump(policy_document()), encoding="utf-8")
    # The test runtime itself is configured, so that `live_app` serves the same deployment.
    runtime.settings.policy = policy
    keyring = keyring_for(runtime)
    create_signing_key_file(runtime.settings.resolved_signing_key_file)
    made = Console(runtime, policy, helpdesk, keyring, staff_account)
    try:
        yield made
    finally:
        made.close()
