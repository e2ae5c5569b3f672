"""`dataward audit verify | log | checkpoint` against a real SQLite home."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from people.factories import CliRun


def _seed(cli: CliRun, home: Path) -> None:
    """init, then a checkpoint: registering the signing key is the log's first event."""
    assert cli("init").exit_code == 0
    assert cli("audit", "checkpoint").exit_code == 0


def test_verify_counts_the_events_of_an_intact_log(cli: CliRun, tmp_path: Path) -> None:
    _seed(cli, tmp_path / "home")
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "audit log intact: 1 events verified, 1 signed checkpoints" in result.stdout


def test_verify_names_the_altered_event_and_exits_1(cli: CliRun, tmp_path: Path) -> None:
    home = tmp_path / "home"
    _seed(cli, home)
    assert cli("audit", "checkpoint").exit_code == 0
    with sqlite3.connect(home / "dataward.db") as db:
        db.execute("UPDATE audit_events SET actor = 'cli:mallory' WHERE sequence = 1")
    result = cli("audit", "verify", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problem"]["sequence"] == 1
    assert report["problem"]["detected_by"] == "hash mismatch"
    plain = cli("audit", "verify")
    assert plain.exit_code == 1
    assert "audit log TAMPERED: event 1:" in plain.stdout


def test_log_lists_events_and_filters_them(cli: CliRun, tmp_path: Path) -> None:
    _seed(cli, tmp_path / "home")
    listed = cli("audit", "log")
    assert listed.exit_code == 0
    assert "audit.signing_key.registered" in listed.stdout
    as_json = cli("audit", "log", "--json", "--action", "audit.signing_key")
    lines = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [line["sequence"] for line in lines] == [1]
    assert len(lines[0]["hash"]) == 64
    assert cli("audit", "log", "--json", "--action", "rights").stdout == ""
    assert cli("audit", "log", "--json", "--since", "2999-01-01").stdout == ""


def test_log_refuses_a_since_that_is_not_a_date(cli: CliRun, tmp_path: Path) -> None:
    _seed(cli, tmp_path / "home")
    result = cli("audit", "log", "--since", "yesterday")
    assert result.exit_code == 2
    assert "not a date" in result.stderr


def test_checkpoint_signs_the_current_end_of_the_log(cli: CliRun) -> None:
    assert cli("init").exit_code == 0
    result = cli("audit", "checkpoint", "--json")
    assert result.exit_code == 0
    signed = json.loads(result.stdout)
    # Registering the signing key is the first event, so there is always something to sign.
    assert signed["checkpoint"]["sequence"] == 1
    assert cli("audit", "verify", "--json").stdout.count('"anchored": true') == 1
