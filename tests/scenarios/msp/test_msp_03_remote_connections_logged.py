"""msp-03: every remote connection to a device is logged (engineer, device, client, start,
end, attended or not, whether the on-screen warning was shown); unattended connections are
allowed only for maintenance and only while the device is idle, and anything else is raised
as a finding the moment it arrives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scenarios.msp.access_log import exported_sessions, write_log
from scenarios.product import Deployed


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
