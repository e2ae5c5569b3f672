"""The web service: health, the one JSON error shape, HTTPS-ready headers."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from dataward import __version__
from dataward.app import create_app
from dataward.core.errors import Conflict, PolicyError, Problem
from dataward.core.runtime import Runtime


def test_health_reports_the_database_it_reached_to_the_token_holder(runtime: Runtime) -> None:
    runtime.settings.health_token = SecretStr("s3cret-health-token")
    client = TestClient(create_app(runtime))
    response = client.get("/health", headers={"Authorization": "Bearer s3cret-health-token"})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == runtime.engine.dialect.name
    assert body["version"] == __version__


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token", "Basic s3cret-health-token", "Bearer ", "s3cret-health-token"],
)
def test_attack_health_details_without_the_token(
    runtime: Runtime, authorization: str | None
) -> None:
    runtime.settings.health_token = SecretStr("s3cret-health-token")
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = TestClient(create_app(runtime)).get("/health", headers=headers)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_without_a_configured_token_never_shows_details(runtime: Runtime) -> None:
    client = TestClient(create_app(runtime))
    assert client.get("/health", headers={"Authorization": "Bearer "}).json() == {"status": "ok"}
    assert client.get("/health").json() == {"status": "ok"}


def test_every_response_carries_the_content_security_policy(runtime: Runtime) -> None:
    app = create_app(runtime)

    @app.get("/boom")
    def boom() -> None:
        raise Conflict("no")

    client = TestClient(app)
    for path in ("/health", "/api/v1/openapi.json", "/boom", "/no-such-page"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        ), path
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "camera=()" in headers["Permissions-Policy"]


def test_interactive_docs_are_off_by_default(runtime: Runtime) -> None:
    client = TestClient(create_app(runtime))
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Dataward"


def test_domain_errors_share_one_json_shape(runtime: Runtime) -> None:
    app: FastAPI = create_app(runtime)

    @app.get("/api/v1/boom")
    def boom() -> None:
        raise Conflict("request DW-1 is already completed", fix="open a new request")

    @app.get("/api/v1/policy")
    def policy() -> None:
        raise PolicyError(problems=[Problem("p.yaml", 3, 5, "activities.0.purpose", "unknown")])

    client = TestClient(app)
    response = client.get("/api/v1/boom")
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "type": "Conflict",
            "message": "request DW-1 is already completed",
            "fix": "open a new request",
        }
    }
    problems = client.get("/api/v1/policy").json()["error"]["problems"]
    assert problems == ["p.yaml:3:5: activities.0.purpose: unknown"]


def test_https_responses_carry_hsts_and_plain_http_does_not(runtime: Runtime) -> None:
    app = create_app(runtime)
    assert "Strict-Transport-Security" not in TestClient(app).get("/health").headers
    secure = TestClient(app, base_url="https://dataward.example")
    headers = secure.get("/health").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_interactive_docs_when_enabled_are_served_from_the_package(runtime: Runtime) -> None:
    runtime.settings.docs = True
    client = TestClient(create_app(runtime))
    page = client.get("/docs")
    assert page.status_code == 200
    assert "<script>" not in page.text  # no inline script: the CSP would block it
    scripts = re.findall(r'<script src="([^"]+)"', page.text)
    assert scripts == ["/static/docs/swagger-ui-bundle.js", "/static/docs/docs.js"]
    assert "https://" not in page.text
    for asset in (*scripts, "/static/docs/swagger-ui.css"):
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "/api/v1/openapi.json" in client.get("/static/docs/docs.js").text
    assert client.get("/redoc").status_code == 404
