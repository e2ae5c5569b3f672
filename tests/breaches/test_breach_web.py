"""The breach register through the console and the API, and the dashboard's open clocks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser import StaffAccount, csrf_token, sign_in
from disclosures.web_runtime import client_of, example, runtime_for
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from dataward.accounts import tokens
from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime

MakeAccount = Callable[..., StaffAccount]
NOW = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 09:00 BST on Monday 30 March


@pytest.fixture
def runtime(engine: Engine, tmp_path: Path) -> Iterator[Runtime]:
    yield from runtime_for(engine, tmp_path / "home", example("schools"), NOW)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    yield from client_of(runtime)


def _bearer(runtime: Runtime, role: Role) -> dict[str, str]:
    with runtime.transaction() as session:
        _, secret = tokens.create_token(
            session=session, clock=runtime.clock, name=f"{role.value}-tool", role=role,
            actor="test:fixture",
        )  # fmt: skip
    return {"Authorization": f"Bearer {secret}"}


def test_a_breach_recorded_in_the_console_shows_its_clock_until_decided(
    client: TestClient, runtime: Runtime, staff_account: MakeAccount
) -> None:
    sign_in(client, runtime, staff_account(Role.DPO))
    token = csrf_token(client, "/console/breaches")
    bad = client.post(
        "/console/breaches",
        data={"csrf_token": token, "aware": "last night", "summary": "", "facts": "x",
              "people": "many"},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "is not a moment" in bad.text and "whole number" in bad.text
    made = client.post(
        "/console/breaches",
        data={"csrf_token": token, "aware": "2026-03-28T23:30", "summary": "USB stick lost",
              "facts": "<b>class lists</b> of P5", "people": "30", "records": "30"},
    )  # fmt: skip
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    page = client.get(url).text
    assert "00:30 BST on Wednesday 01 April 2026" in page and "39.5 hours left" in page
    assert "<b>class lists</b>" not in page and "&lt;b&gt;class lists" in page
    assert "Draft report" in page and "1. Report type" in page

    dashboard = client.get("/console").text
    assert "Breach clocks" in dashboard and "40 hours left" in dashboard

    late = client.post(
        f"{url}/decisions",
        data={"csrf_token": token, "kind": "report", "reasons": "pupils' names"},
    )
    assert late.status_code == 303  # within the 72 hours: no late reasons needed
    again = client.post(
        f"{url}/decisions",
        data={"csrf_token": token, "kind": "not_report", "reasons": "second thoughts"},
    )
    assert again.status_code == 422 and "already has a decision" in again.text
    assert "No breach is waiting" in client.get("/console").text


def test_the_api_needs_a_moment_with_its_zone_and_hides_facts_from_the_auditor(
    client: TestClient, runtime: Runtime
) -> None:
    dpo = _bearer(runtime, Role.DPO)
    body = {"aware_at": "2026-03-29T23:30:00", "summary": "Laptop stolen", "facts": "names"}
    assert client.post("/api/v1/breaches", json=body, headers=dpo).status_code == 422
    body["aware_at"] = "2026-03-29T23:30:00+01:00"
    made = client.post("/api/v1/breaches", json=body, headers=dpo)
    assert made.status_code == 201, made.text
    breach = made.json()
    assert breach["deadline"] == "2026-04-01T23:30:00+01:00" and breach["regime"] == "uk_gdpr"
    auditor = _bearer(runtime, Role.AUDITOR)
    (seen,) = client.get("/api/v1/breaches", headers=auditor).json()
    assert seen["facts"] is None and seen["summary"] is None and seen["hours_left"] == 62.5
    decision = {"kind": "not_report", "reasons": "laptop encrypted"}
    denied = client.post(
        f"/api/v1/breaches/{breach['id']}/decisions", json=decision, headers=auditor
    )
    assert denied.status_code == 403
    done = client.post(f"/api/v1/breaches/{breach['id']}/decisions", json=decision, headers=dpo)
    assert done.status_code == 201 and done.json()["reporting_decided"]
