"""The console's access page and panel: the report by client and period, findings, and who
may see the names in it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser import sign_in
from fastapi.testclient import TestClient

from access.web import api_token, app_client, configured
from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime
from dataward.examples.catalogue import policy_path

EVENTS = [
    {"event_id": "P-1", "engineer": "Priya Shah", "device": "ACME-LT-014", "client": "Acme Ltd",
     "started_at": "2026-03-02T09:00:00Z", "attended": True, "warning_shown": True},
    {"event_id": "P-2", "engineer": "Priya Shah", "device": "ACME-LT-014", "client": "Acme Ltd",
     "started_at": "2026-03-02T10:00:00Z", "attended": False, "reason": "curiosity"},
]  # fmt: skip


@pytest.fixture
def app(runtime: Runtime) -> Iterator[TestClient]:
    configured(runtime, policy_path("msp"))
    with app_client(runtime) as client:
        answer = client.post(
            "/api/v1/access-events",
            headers=api_token(runtime, "remotereach"),
            json={"events": EVENTS},
        )
        assert answer.status_code == 200
        yield client


def test_the_report_page_lists_a_clients_accesses_and_the_open_findings(
    app: TestClient, runtime: Runtime, staff_account: Any
) -> None:
    sign_in(app, runtime, staff_account(Role.DPO))
    dashboard = app.get("/console")
    assert (
        "Privileged access" in dashboard.text
        and "<strong>1</strong> open finding in" in dashboard.text
    )
    assert 'href="/console/access"' in dashboard.text
    page = app.get(
        "/console/access", params={"client": "Acme Ltd", "from": "2026-03-01", "to": "2026-03-31"}
    )
    assert page.status_code == 200
    assert page.text.count("Priya Shah") == 2
    assert "unattended session for curiosity" in page.text


def test_an_auditor_sees_every_access_but_not_who_made_it(
    app: TestClient, runtime: Runtime, staff_account: Any
) -> None:
    sign_in(app, runtime, staff_account(Role.AUDITOR))
    query = {"client": "Acme Ltd", "from": "2026-03-01", "to": "2026-03-31"}
    page = app.get("/console/access", params=query)
    assert page.status_code == 200 and "Priya" not in page.text and "not shown" in page.text
    api = app.get("/api/v1/access-events/report", params=query).json()["events"]
    assert len(api) == 2 and {e["engineer"] for e in api} == {None}
    assert app.get("/console/records").status_code == 403  # no personal data for auditors


def test_the_report_form_says_what_is_wrong_next_to_the_field(
    app: TestClient, runtime: Runtime, staff_account: Any
) -> None:
    sign_in(app, runtime, staff_account(Role.DPO))
    page = app.get("/console/access", params={"client": "Acme Ltd", "from": "March", "to": ""})
    assert page.status_code == 422
    assert 'id="report-from-error"' in page.text and 'aria-invalid="true"' in page.text


def test_staff_without_the_permission_and_visitors_do_not_see_the_register(
    app: TestClient, runtime: Runtime, staff_account: Any
) -> None:
    assert app.get("/console/access").status_code == 303  # to sign in
    assert app.get("/api/v1/access-findings").status_code == 401
    sign_in(app, runtime, staff_account(Role.STAFF))
    assert app.get("/console/access").status_code == 403
    assert app.get("/api/v1/access-findings").status_code == 403
