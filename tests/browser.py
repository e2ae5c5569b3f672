"""Fixtures for tests that drive the web app as a user does: a real server, a real browser,
a real SMTP server, real staff accounts. Loaded by the root conftest (pytest_plugins).

- `live_app`: the app under uvicorn on 127.0.0.1 (a thread), over the test `runtime`;
- `browser_page`: a Playwright Chromium page (Debian's /usr/bin/chromium, headless; tests
  skip, saying why, where it is absent);
- `smtp_server`: an aiosmtpd server on 127.0.0.1 keeping what it receives;
- `staff_account(role, job_roles=...)`: a console account, with its password and TOTP secret.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pyotp
import pytest
import uvicorn
from rights.request_factories import Inbox, free_port
from rights.request_factories import smtp_server as _smtp_server

from dataward.accounts import service as accounts
from dataward.accounts.roles import Role
from dataward.app import create_app
from dataward.core.crypto import Keyring, create_master_key_file
from dataward.core.runtime import Runtime

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class LiveApp:
    url: str
    runtime: Runtime


@dataclass(frozen=True)
class StaffAccount:
    id: int
    email: str
    password: str
    totp_secret: str | None
    role: Role
    name: str = ""

    def code(self, runtime: Runtime) -> str:
        """The TOTP code at the runtime's clock (the server checks against that clock)."""
        assert self.totp_secret, "this account has no TOTP"
        return pyotp.TOTP(self.totp_secret).at(runtime.clock.now())


def keyring_for(runtime: Runtime) -> Keyring:
    """The test runtime's keyring: its master key file is made on first use."""
    path = runtime.settings.resolved_master_key_file
    if not path.exists():
        create_master_key_file(path)
    return Keyring.from_settings(runtime.settings)


@pytest.fixture
def live_app(runtime: Runtime) -> Iterator[LiveApp]:
    keyring_for(runtime)
    port = free_port()
    config = uvicorn.Config(
        create_app(runtime), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-app", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start within 20 s")
        time.sleep(0.05)
    try:
        yield LiveApp(url=url, runtime=runtime)
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="session")
def _chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("chromium is not installed (apt install chromium): browser tests skipped")
    from playwright.sync_api import sync_playwright

    home = tmp_path_factory.mktemp("browser-home")
    previous = os.environ.get("HOME")
    os.environ["HOME"] = str(home)  # Chromium writes its profile and crash folders here
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable,
                args=CHROMIUM_ARGS,
                headless=True,
                env={**os.environ, "HOME": str(home)},
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("HOME", None)
        else:
            os.environ["HOME"] = previous


@pytest.fixture
def browser_page(_chromium: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) and page; failures in the page's own JavaScript
    (a Content-Security-Policy violation, an error) fail the test. A status such as 401 or
    404 is the test's to check, so the console's "failed to load" notes are not counted."""
    context = _chromium.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def on_console(message: Any) -> None:
        if message.type == "error" and "Failed to load resource" not in message.text:
            problems.append(f"console: {message.text}")

    page.on("console", on_console)
    try:
        yield page
    finally:
        context.close()
    assert problems == [], problems


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1: (inbox with .messages, port)."""
    with _smtp_server() as running:
        yield running


@pytest.fixture
def staff_account(runtime: Runtime) -> Callable[..., StaffAccount]:
    """Make console accounts through the accounts service, committed in the test runtime."""
    keyring = keyring_for(runtime)
    made = 0

    def make(
        role: Role | str, *, job_roles: tuple[str, ...] = (), email: str | None = None
    ) -> StaffAccount:
        nonlocal made
        made += 1
        chosen = Role(role)
        address = email or f"{chosen.value}{made}@staff.example.co.uk"
        with runtime.transaction() as session:
            account = accounts.add_user(
                session=session,
                keyring=keyring,
                clock=runtime.clock,
                email=address,
                role=chosen,
                actor="test:fixture",
                name=(name := f"Test {chosen.value.title()} {made}"),
                job_roles=job_roles,
            )
            user_id = account.user.id
        runtime.end_boundary()
        return StaffAccount(user_id, address, account.password, account.totp_secret, chosen, name)

    return make


def sign_in(client: httpx.Client | Any, runtime: Runtime, account: StaffAccount) -> None:
    """Sign a TestClient (or httpx client) into the console as `account`."""

    page = client.get("/console/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, "the sign-in page has no CSRF field"
    form = {"email": account.email, "password": account.password, "csrf_token": token.group(1)}
    answer = client.post("/console/sign-in", data=form, follow_redirects=False)
    if account.totp_secret:
        pending = re.search(r'name="pending" value="([^"]+)"', answer.text)
        assert pending, answer.text
        answer = client.post(
            "/console/sign-in/code",
            data={
                "pending": pending.group(1),
                "code": account.code(runtime),
                "csrf_token": token.group(1),
            },
            follow_redirects=False,
        )
    assert answer.status_code == 303, answer.text


def csrf_token(client: Any, path: str = "/console/sign-in") -> str:
    """The CSRF token a page of `client`'s browser carries (for posting forms in tests)."""

    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, f"{path} has no CSRF field"
    return found.group(1)
