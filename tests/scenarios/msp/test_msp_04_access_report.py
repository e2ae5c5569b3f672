"""msp-04: on request, a report of who connected to which device and when, for a client or a
device and a date range, with the findings (CSV for the client; PDF with the `pdf` extra)."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from scenarios.msp.access_log import exported_sessions, write_log
from scenarios.product import Deployed

from dataward.core.clock import LONDON


@pytest.fixture(scope="module")
def msp(tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    deployed = Deployed("msp", tmp_path_factory.mktemp("msp-04"), people=40)
    log = write_log(deployed.folder / "remotereach.csv", exported_sessions(deployed))
    deployed.run(
        "access", "import", str(log), "--source", "remotereach-log", "-p", str(deployed.policy)
    )
    return deployed


def _london_day(text: str) -> str:
    moment = datetime.fromisoformat(text)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=LONDON)
    return moment.astimezone(LONDON).date().isoformat()


def test_msp_04_a_clients_report_lists_each_connection_in_the_range(
    msp: Deployed, tmp_path: Path
) -> None:
    sessions = exported_sessions(msp)
    client = max(
        {s["Company"] for s in sessions}, key=lambda c: sum(s["Company"] == c for s in sessions)
    )
    days = sorted(_london_day(s["Started"]) for s in sessions if s["Company"] == client)
    start, end = days[0], days[len(days) // 2]
    expected = sorted(
        (s["Device"], s["Technician"])
        for s in sessions
        if s["Company"] == client and start <= _london_day(s["Started"]) <= end
    )
    out = tmp_path / "acme.csv"
    msp.run("access", "report", "--client", client, "--from", start, "--to", end, "--out", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert sorted((r["device"], r["engineer"]) for r in rows) == expected
    assert {r["client"] for r in rows} == {client}
    assert [r["started_at"] for r in rows] == sorted(r["started_at"] for r in rows)


def test_msp_04_one_device_and_its_findings(msp: Deployed) -> None:
    sessions = exported_sessions(msp)
    device = sessions[0]["Device"]
    wrong = sessions[0] | {"Session ID": "RR-LATE", "Attended": "No", "Reason": "curiosity"}
    log = write_log(msp.folder / "one-more.csv", [wrong])
    msp.run("access", "import", str(log), "--source", "remotereach-log", "-p", str(msp.policy))
    day = _london_day(wrong["Started"])
    report = msp.run("access", "report", "--device", device, "--from", day, "--to", day, "--json")
    events = json.loads(report.stdout)["events"]
    assert {e["device"] for e in events} == {device}
    (late,) = [e for e in events if e["findings"]]
    assert late["findings"] == ["unattended session for curiosity (allowed: maintenance)"]
