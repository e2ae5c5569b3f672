"""schemathesis against the API's own OpenAPI document, in-process, with an admin token: no
server error (5xx) and no response that breaks the schema it publishes."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from browser import keyring_for
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
)

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Role
from dataward.app import create_app
from dataward.core.runtime import Runtime

from .callers import api_token

EXAMPLES = 15
# What the bar asks: no server error, and every answer as its schema says (body, content
# type, headers). Not "every schema-valid request is accepted": a business rule (a request
# needs an email address or a phone number) may refuse what the field types allow, with 422.
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]


@pytest.fixture
def admin_token(runtime: Runtime) -> str:
    return api_token(runtime, Role.ADMIN, "schemathesis")


def check_schema(app: FastAPI, headers: dict[str, str], *, only: str | None = None) -> list[str]:
    """Run every operation of the app's OpenAPI (or only the one labelled `only`); the labels of the
    operations checked."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    checked = []
    # Each operation gets a modest number of examples, so the suite stays fast as the API
    # grows; run schemathesis's CLI for a longer search.
    for found in schema.get_all_operations():
        operation = found.ok()
        if only is not None and operation.label != only:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()
        checked.append(operation.label)
    return checked


def test_the_api_keeps_to_its_published_schema(deployed: Runtime, admin_token: str) -> None:
    checked = check_schema(create_app(deployed), {"Authorization": f"Bearer {admin_token}"})
    assert "GET /api/v1/me" in checked


def test_the_check_catches_a_server_error(runtime: Runtime, admin_token: str) -> None:
    keyring_for(runtime)
    app = create_app(runtime)

    @app.get("/api/v1/broken")
    def broken(limit: int, principal: Principal = api_access()) -> dict[str, int]:
        raise RuntimeError("a bug")

    # In-process, the route's exception reaches the test itself (or, where it is turned into
    # a 500 first, schemathesis reports the server error): either way the check fails.
    with pytest.raises(Exception) as caught:
        check_schema(app, {"Authorization": f"Bearer {admin_token}"}, only="GET /api/v1/broken")
    assert "a bug" in str(caught.value) or "Server error" in str(caught.value)
