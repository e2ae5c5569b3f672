"""The web service: health, the one JSON error shape, HTTPS-ready headers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from dataward.app import create_app
from dataward.core.errors import Conflict, PolicyError, Problem
from dataward.core.runtime import Runtime


def test_health_reports_the_database_it_reached(runtime: Runtime) -> None:
    client = TestClient(create_app(runtime))
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == runtime.engine.dialect.name


def test_domain_errors_share_one_json_shape(runtime: Runtime) -> None:
    app: FastAPI = create_app(runtime)

    @app.get("/boom")
    def boom() -> None:
        raise Conflict("request DW-1 is already completed", fix="open a new request")

    @app.get("/policy")
    def policy() -> None:
        raise PolicyError(problems=[Problem("p.yaml", 3, 5, "activities.0.purpose", "unknown")])

    client = TestClient(app)
    response = client.get("/boom")
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "type": "Conflict",
            "message": "request DW-1 is already completed",
            "fix": "open a new request",
        }
    }
    problems = client.get("/policy").json()["error"]["problems"]
    assert problems == ["p.yaml:3:5: activities.0.purpose: unknown"]


def test_https_responses_carry_hsts_and_plain_http_does_not(runtime: Runtime) -> None:
    app = create_app(runtime)
    assert "Strict-Transport-Security" not in TestClient(app).get("/health").headers
    secure = TestClient(app, base_url="https://dataward.example")
    headers = secure.get("/health").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
