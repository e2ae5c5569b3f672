"""msp-03: every remote connection to a device is logged (engineer, device, client, start,
end, attended or not, whether the on-screen warning was shown); unattended connections are
allowed only for maintenance and only while the device is idle, and anything else is raised
as a finding the moment it arrives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scenarios.msp.access_log import exported_sessions, write_log
from scenarios.product import Deployed

from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime


@pytest.fixture(scope="module")
def msp(tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    return Deployed("msp", tmp_path_factory.mktemp("msp-03"), people=40)


def test_msp_03_every_exported_connection_is_logged_and_breaches_are_findings(
    msp: Deployed, tmp_path: Path
) -> None:
    sessions = exported_sessions(msp)
    assert any(s["Attended"] == "No" for s in sessions), "the example has unattended sessions"
    # Two connections that break the rule, as the tool would log them.
    sessions.append(
        sessions[0] | {"Session ID": "RR-X1", "Attended": "No", "Reason": "support",
                       "Warning shown": "No"}
    )  # fmt: skip
    sessions.append(
        sessions[0] | {"Session ID": "RR-X2", "Attended": "No", "Reason": "maintenance",
                       "User active": "Yes", "Warning shown": "No"}
    )  # fmt: skip
    log = write_log(tmp_path / "remotereach.csv", sessions)
    result = msp.run(
        "access", "import", str(log), "--source", "remotereach-log", "-p", str(msp.policy),
        "--json",
    )  # fmt: skip
    imported = json.loads(result.stdout)
    assert imported["new"] == len(sessions) and imported["rejected"] == 0

    findings = json.loads(msp.run("access", "findings", "--json").stdout)["findings"]
    assert sorted((f["event_id"], f["rule"]) for f in findings) == [
        ("RR-X1", "unattended-not-maintenance"),
        ("RR-X2", "unattended-while-in-use"),
    ]

    first = sessions[0]
    report = msp.run(
        "access", "report", "--device", first["Device"], "--from", "2020-01-01",
        "--to", "2026-12-31", "--json",
    )  # fmt: skip
    logged = {
        e["started_at"][:16].replace("T", " "): e for e in json.loads(report.stdout)["events"]
    }
    assert logged, "the device's connections are in the register"
    for event in logged.values():
        assert event["engineer"].startswith("eng-")
        assert event["client"] == first["Company"]
        assert event["attended"] in (True, False) and event["warning_shown"] in (True, False)
        assert event["ended_at"] is not None


def test_msp_03_connections_sent_by_the_tools_webhook_are_logged_and_checked(
    runtime: Runtime, staff_account: Any, tmp_path: Path
) -> None:
    from access.web import api_token, app_client, configured
    from browser import sign_in

    from dataward.examples.catalogue import policy_path

    configured(runtime, policy_path("msp"))
    tool = app_client(runtime)
    remotereach = api_token(runtime, "remotereach")
    sessions = [
        {"event_id": "W-1", "engineer": "eng-02", "device": "NG-LT-031", "client": "Acme Ltd",
         "started_at": "2026-03-02T09:00:00Z", "ended_at": "2026-03-02T09:20:00Z",
         "attended": True, "warning_shown": True, "reason": "support",
         "username": "j.bloggs", "ip_address": "192.0.2.31", "hostname": "NG-LT-031"},
        {"event_id": "W-2", "engineer": "eng-02", "device": "NG-LT-031", "client": "Acme Ltd",
         "started_at": "2026-03-02T14:00:00Z", "ended_at": "2026-03-02T14:05:00Z",
         "attended": True, "warning_shown": False, "reason": "support"},
        {"event_id": "W-3", "engineer": "eng-05", "device": "NG-LT-031", "client": "Acme Ltd",
         "started_at": "2026-03-02T15:00:00Z", "attended": False, "device_in_use": True,
         "reason": "maintenance"},
    ]  # fmt: skip
    answer = tool.post("/api/v1/access-events", headers=remotereach, json={"events": sessions})
    assert answer.status_code == 200, answer.text
    assert [e["findings"] for e in answer.json()["events"]] == [
        [], ["no-warning"], ["unattended-while-in-use"],
    ]  # fmt: skip
    # The tool retries after a timeout: nothing is logged twice.
    again = tool.post("/api/v1/access-events", headers=remotereach, json={"events": sessions})
    assert again.json()["repeated"] == 3

    dpo = app_client(runtime)
    sign_in(dpo, runtime, staff_account(Role.DPO))
    report = dpo.get(
        "/api/v1/access-events/report",
        params={"client": "Acme Ltd", "from": "2026-03-02", "to": "2026-03-02"},
    ).json()["events"]
    assert [(e["engineer"], e["attended"], e["warning_shown"]) for e in report] == [
        ("eng-02", True, True), ("eng-02", True, False), ("eng-05", False, None),
    ]  # fmt: skip
    assert report[0]["username"] == "j.bloggs" and report[0]["ip_address"] == "192.0.2.31"
