"""Security headers on every response: pages, the API, errors, static files, refusals."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from browser import StaffAccount, sign_in
from fastapi.testclient import TestClient

from dataward.accounts.roles import Role
from dataward.app import create_app
from dataward.core.runtime import Runtime

from .test_authorisation_matrix import endpoints

EXPECTED = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def _requests(runtime: Runtime) -> list[tuple[str, str]]:
    """Every route of the app (parameters filled in), and the answers that are not pages."""
    app = create_app(runtime)
    found = [(e.method, e.path) for e in endpoints(app)]
    return [
        *found,
        ("GET", "/static/dataward.css"),
        ("GET", "/static/htmx/htmx.min.js"),
        ("GET", "/no-such-page"),
        ("GET", "/api/v1/no-such-thing"),
        ("GET", "/api/v1/openapi.json"),
        ("POST", "/console/sign-in"),  # refused: no CSRF token
    ]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_every_response_carries_the_security_headers(
    deployed: Runtime, staff_account: Callable[..., StaffAccount], scheme: str
) -> None:
    runtime = deployed
    client = TestClient(
        create_app(runtime),
        base_url=f"{scheme}://dataward.example",
        follow_redirects=False,
        raise_server_exceptions=False,
    )
    sign_in(client, runtime, staff_account(Role.ADMIN))
    for method, path in _requests(runtime):
        headers = client.request(method, path).headers
        for name, value in EXPECTED.items():
            assert headers.get(name) == value, f"{method} {path}: {name}"
        assert "camera=()" in headers["Permissions-Policy"], f"{method} {path}"
        hsts = headers.get("Strict-Transport-Security")
        if scheme == "https":
            assert hsts == "max-age=31536000; includeSubDomains", f"{method} {path}"
        else:
            assert hsts is None, f"{method} {path}"
        if path.startswith("/console"):
            assert headers["Cache-Control"] == "no-store", f"{method} {path}"


def test_hsts_follows_a_proxy_only_when_told_to_trust_it(runtime: Runtime) -> None:
    forwarded = {"X-Forwarded-Proto": "https"}
    assert (
        "Strict-Transport-Security"
        not in TestClient(create_app(runtime)).get("/health", headers=forwarded).headers
    )
    runtime.settings.trust_proxy = True
    trusting = TestClient(create_app(runtime))
    assert "Strict-Transport-Security" in trusting.get("/health", headers=forwarded).headers
    assert "Strict-Transport-Security" not in trusting.get("/health").headers
