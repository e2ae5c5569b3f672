"""`dataward access import | report | findings | close` and `audit verify`, as a user runs them."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest
from people.factories import CliRun, cli_in

from dataward.access import imports, service
from dataward.examples.catalogue import policy_path

MSP = str(policy_path("msp"))
HEADER = [
    "Session ID", "Technician", "Device", "Company", "Started", "Ended", "Attended",
    "Warning shown", "User active", "Reason", "Signed-in user", "IP address", "Hostname",
]  # fmt: skip


def log_line(number: int, **changes: str) -> list[str]:
    row = {
        "Session ID": f"S-{number:05d}",
        "Technician": "Priya Shah",
        "Device": f"ACME-LT-{number % 3:03d}",
        "Company": "Acme Ltd",
        "Started": f"2026-02-{1 + number % 27:02d} 09:{number % 60:02d}:00",
        "Ended": f"2026-02-{1 + number % 27:02d} 10:{number % 60:02d}:00",
        "Attended": "Yes",
        "Warning shown": "Yes",
        "User active": "No",
        "Reason": "Support",
        "Signed-in user": "jbloggs",
        "IP address": "10.0.0.5",
        "Hostname": "acme-lt.acme.local",
    }
    row.update(changes)
    return [row[h] for h in HEADER]


def write_log(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRun:
    run = cli_in(tmp_path / "home", monkeypatch)
    assert run("init").exit_code == 0
    return run


def test_an_exported_session_log_is_recorded_once_however_often_it_is_imported(
    cli: CliRun, tmp_path: Path
) -> None:
    log = write_log(
        tmp_path / "sessions.csv",
        [log_line(n) for n in range(1, 6)]
        + [log_line(6, Attended="No", **{"Warning shown": "No", "Reason": "Curiosity"})],
    )
    first = cli("access", "import", str(log), "--source", "remotereach-log", "-p", MSP, "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) | {"first_rejections": []} == {
        "lines": 6, "new": 6, "repeated": 0, "findings": 1, "rejected": 0,
        "first_rejections": [],
    }  # fmt: skip
    again = cli("access", "import", str(log), "--source", "remotereach-log", "-p", MSP, "--json")
    assert json.loads(again.stdout)["new"] == 0 and json.loads(again.stdout)["repeated"] == 6
    findings = json.loads(cli("access", "findings", "--json").stdout)["findings"]
    assert [(f["event_id"], f["rule"]) for f in findings] == [
        ("S-00006", "unattended-not-maintenance")
    ]


def test_an_import_that_crashes_half_way_resumes_without_duplicates(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = write_log(tmp_path / "big.csv", [log_line(n) for n in range(1, 11)])
    monkeypatch.setattr(imports, "BATCH", 3)
    real = service.ingest
    calls = {"n": 0}

    def crashing(**kwargs: object) -> list[service.Ingested]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("power cut")  # the machine stops during the third batch
        return real(**kwargs)  # type: ignore[arg-type]  # the same keyword arguments

    monkeypatch.setattr(service, "ingest", crashing)
    stopped = cli("access", "import", str(log), "--source", "remotereach-log", "-p", MSP)
    assert stopped.exit_code == 1 and "RuntimeError" in stopped.output
    monkeypatch.setattr(service, "ingest", real)
    resumed = cli("access", "import", str(log), "--source", "remotereach-log", "-p", MSP, "--json")
    assert json.loads(resumed.stdout)["new"] == 4
    assert json.loads(resumed.stdout)["repeated"] == 6
    report = cli(
        "access", "report", "--client", "Acme Ltd", "--from", "2026-02-01", "--to", "2026-02-28",
        "--json",
    )  # fmt: skip
    assert len(json.loads(report.stdout)["events"]) == 10


def test_unreadable_lines_are_named_and_the_rest_recorded(cli: CliRun, tmp_path: Path) -> None:
    log = tmp_path / "sessions.jsonl"
    log.write_text(
        json.dumps({"Session ID": "J-1", "Started": "2026-02-03T09:00:00Z", "Company": "Acme Ltd",
                    "Attended": True, "Warning shown": True}) + "\n"
        + "not json\n"
        + json.dumps({"Session ID": "J-2", "Started": "yesterday"}) + "\n"
        + json.dumps({"Session ID": "J-3", "Started": "2026-02-03T09:00:00Z",
                      "Attended": "perhaps"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = cli("access", "import", str(log), "--source", "remotereach-log", "-p", MSP)
    assert result.exit_code == 1
    assert "1 events recorded" in result.stdout
    assert "line 2: not a JSON object" in result.stdout
    assert "line 3: started_at" in result.stdout
    assert "line 4: attended" in result.stdout
    assert "Traceback" not in result.output


def test_an_unknown_source_is_refused_with_the_declared_ones(cli: CliRun, tmp_path: Path) -> None:
    log = write_log(tmp_path / "s.csv", [log_line(1)])
    result = cli("access", "import", str(log), "--source", "nobody", "-p", MSP)
    assert result.exit_code == 2
    assert "no access source named 'nobody'" in result.output
    assert "remotereach-log" in result.output


def test_the_report_is_written_as_csv_and_pdf_needs_its_extra(cli: CliRun, tmp_path: Path) -> None:
    log = write_log(tmp_path / "s.csv", [log_line(n) for n in range(1, 4)])
    cli("access", "import", str(log), "--source", "remotereach-log", "-p", MSP)
    out = tmp_path / "report.csv"
    result = cli(
        "access", "report", "--client", "Acme Ltd", "--device", "ACME-LT-001",
        "--from", "2026-02-01", "--to", "2026-02-28", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["device"], r["engineer"], r["attended"]) for r in rows] == [
        ("ACME-LT-001", "Priya Shah", "yes")
    ]
    assert out.stat().st_mode & 0o077 == 0
    if not imports_pdf():
        pdf = cli(
            "access", "report", "--client", "Acme Ltd", "--from", "2026-02-01",
            "--to", "2026-02-28", "--out", str(tmp_path / "report.pdf"),
        )  # fmt: skip
        assert pdf.exit_code == 2
        assert "pdf" in pdf.output and "pango" in pdf.output
        assert not (tmp_path / "report.pdf").exists()


def imports_pdf() -> bool:
    from dataward.access.report import pdf_available

    return pdf_available()


def test_a_period_that_ends_before_it_starts_is_refused(cli: CliRun) -> None:
    result = cli(
        "access", "report", "--client", "Acme Ltd", "--from", "2026-03-01", "--to", "2026-02-01"
    )
    assert result.exit_code == 2 and "before it starts" in result.output


def test_a_finding_is_closed_with_a_note_and_a_card_number_in_it_is_refused(
    cli: CliRun, tmp_path: Path
) -> None:
    log = write_log(tmp_path / "s.csv", [log_line(1, **{"Warning shown": "No"})])
    cli("access", "import", str(log), "--source", "remotereach-log", "-p", MSP)
    (finding,) = json.loads(cli("access", "findings", "--json").stdout)["findings"]
    refused = cli("access", "close", str(finding["id"]), "--note", "paid by 4111 1111 1111 1111")
    assert refused.exit_code == 2 and "card number" in refused.output
    closed = cli("access", "close", str(finding["id"]), "--note", "engineer retrained")
    assert closed.exit_code == 0
    assert json.loads(cli("access", "findings", "--json").stdout)["findings"] == []


def test_audit_verify_catches_a_register_row_altered_in_the_database(
    cli: CliRun, tmp_path: Path
) -> None:
    log = write_log(
        tmp_path / "s.csv",
        [log_line(1, Attended="No", Reason="Curiosity", **{"Warning shown": "No"})],
    )
    cli("access", "import", str(log), "--source", "remotereach-log", "-p", MSP)
    assert cli("audit", "verify").exit_code == 0
    # Someone with the database hides the unattended session they should not have made.
    with sqlite3.connect(tmp_path / "home" / "dataward.db") as db:
        db.execute("UPDATE access_events SET attended = 1, reason = 'support'")
    result = cli("audit", "verify", "--json")
    assert result.exit_code == 1
    records = {r["name"]: r for r in json.loads(result.stdout)["records"]}
    assert "S-00001" in (records["access register"]["problem"] or "")
