"""The console's suppression and TPS page, its panel, and the same over the API: counts and a
check, never the list in clear; a stale or missing TPS file in red; refused without permission."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from browser import StaffAccount, csrf_token, keyring_for, sign_in
from fastapi.testclient import TestClient

from consent.web import api_token
from dataward.accounts.roles import Role
from dataward.consent import service, tps_loading
from dataward.core.runtime import Runtime


def _suppress(runtime: Runtime, **identifier: str) -> None:
    with runtime.transaction() as session:
        service.suppress(
            session=session, keyring=keyring_for(runtime), clock=runtime.clock,
            actor="cli:dpo", reason="asked", **identifier,
        )  # fmt: skip


def test_staff_see_counts_check_an_address_and_add_one_without_it_in_a_url(
    client: TestClient, msp_runtime: Runtime, staff_account: Callable[..., StaffAccount]
) -> None:
    _suppress(msp_runtime, email="ann@example.com", phone="07700 900123")
    sign_in(client, msp_runtime, staff_account("staff"))
    page = client.get("/console/screening")
    assert page.status_code == 200
    assert 'href="/console/screening"' in page.text  # in the navigation
    assert "Not imported: calls cannot be screened" in page.text
    assert "ann@" not in page.text and "7700" not in page.text
    token = csrf_token(client, "/console/screening")
    found = client.post(
        "/console/screening/check", data={"identifier": " ANN@example.com", "csrf_token": token}
    )
    assert found.status_code == 200 and "On the suppression list" in found.text
    clear = client.post(
        "/console/screening/check", data={"identifier": "bob@example.com", "csrf_token": token}
    )
    assert "Not on the suppression list" in clear.text
    bad = client.post(
        "/console/screening/check", data={"identifier": "nonsense", "csrf_token": token}
    )
    assert bad.status_code == 400 and 'class="field-error"' in bad.text
    added = client.post(
        "/console/screening/add",
        data={"identifier": "bob@example.com", "reason": "phoned", "csrf_token": token},
    )
    assert added.status_code == 303 and "bob" not in added.headers["location"]
    after = client.get(added.headers["location"])
    assert "Added to the suppression list" in after.text
    with msp_runtime.transaction() as session:
        assert service.counts(session=session) == {"email": 2, "phone": 1}


def test_the_panel_and_page_flag_a_stale_file_in_red(
    client: TestClient,
    msp_runtime: Runtime,
    staff_account: Callable[..., StaffAccount],
    tmp_path: Path,
) -> None:
    file = tmp_path / "tps.txt"
    file.write_text("01632960001\n01632960002\n", encoding="ascii")
    tps_loading.import_list(
        runtime=msp_runtime, path=file, list_name="tps", as_of=date(2026, 1, 20), actor="t"
    )
    sign_in(client, msp_runtime, staff_account("staff"))
    dashboard = client.get("/console")
    assert "Call screening" in dashboard.text
    assert "Stale: calls are refused" in dashboard.text and "41 days" in dashboard.text


def test_attack_without_permission_the_page_and_the_api_refuse(
    client: TestClient, msp_runtime: Runtime, staff_account: Callable[..., StaffAccount]
) -> None:
    _suppress(msp_runtime, email="ann@example.com")
    assert client.get("/console/screening").status_code == 303  # anonymous: to sign in
    sign_in(client, msp_runtime, staff_account("auditor"))
    assert client.get("/console/screening").status_code == 403
    token = csrf_token(client, "/console")
    refused = client.post(
        "/console/screening/check", data={"identifier": "ann@example.com", "csrf_token": token}
    )
    assert refused.status_code == 403 and "suppression list" not in refused.text
    source = api_token(msp_runtime, Role.SOURCE)
    assert (
        client.post(
            "/api/v1/suppression/check", json={"email": "ann@example.com"}, headers=source
        ).status_code
        == 403
    )
    client.cookies.clear()
    assert client.post("/api/v1/suppression/check", json={"email": "a@b.co"}).status_code == 401


def test_the_api_checks_adds_and_reports_the_files(
    client: TestClient, msp_runtime: Runtime
) -> None:
    staff = api_token(msp_runtime, Role.STAFF, name="crm")
    add = client.post(
        "/api/v1/suppression",
        json={"phone": "+44 7700 900123", "reason": "do not call"},
        headers=staff,
    )
    assert add.status_code == 201, add.text
    check = client.post("/api/v1/suppression/check", json={"phone": "07700900123"}, headers=staff)
    assert check.json() == {"suppressed": True}
    bad = client.post("/api/v1/suppression", json={"email": "x@y.co", "reason": ""}, headers=staff)
    assert bad.status_code == 422
    status = client.get("/api/v1/tps/status", headers=staff)
    assert [s["list"] for s in status.json()] == ["tps", "ctps"]
    assert all(s["stale"] and not s["imported"] for s in status.json())
