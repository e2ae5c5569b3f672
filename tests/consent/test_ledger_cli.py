"""`dataward consent ...` end to end, and the attacker who edits the ledger in the database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from people.factories import CliRun

from consent.ledger_factories import example_policy_file

WORDING = ("--wording-version", "newsletter form v2", "--wording", "Email me the newsletter.")


@pytest.fixture(autouse=True)
def _initialised(cli: CliRun) -> None:
    assert cli("init").exit_code == 0


def _record(cli: CliRun, *extra: str) -> dict[str, object]:
    result = cli(
        "consent", "record", "--email", "ann@example.com", "--channel", "marketing",
        "--how", "web-form", *WORDING, "-p", str(example_policy_file("msp")), "--json", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def _database(tmp_path: Path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "home" / "dataward.db")


def test_record_withdraw_show_and_history(cli: CliRun) -> None:
    given = _record(cli, "--medium", "email")
    assert (given["action"], given["medium"]) == ("given", "email")
    withdrawn = cli(
        "consent", "withdraw", "--email", "ANN@example.com", "--channel", "marketing",
        "--how", "privacy-centre", "-p", str(example_policy_file("msp")), "--json",
    )  # fmt: skip
    assert withdrawn.exit_code == 0, withdrawn.output

    shown = json.loads(cli("consent", "show", "--email", "ann@example.com", "--json").output)
    assert {(p["medium"], p["state"]) for p in shown["preferences"]} == {
        ("all", "withdrawn"),
        ("email", "withdrawn"),
    }
    events = json.loads(cli("consent", "history", "--email", "ann@example.com", "--json").output)
    assert [(e["action"], e["how"]) for e in events] == [
        ("given", "web-form"),
        ("withdrawn", "privacy-centre"),
    ]
    assert events[0]["wording_version"] == "newsletter form v2"
    assert "ann@" not in json.dumps(events)


def test_a_ledger_row_altered_in_the_database_is_caught_by_audit_verify(
    cli: CliRun, tmp_path: Path
) -> None:
    _record(cli)
    _record(cli, "--medium", "email")
    intact = cli("audit", "verify")
    assert intact.exit_code == 0, intact.output
    assert "consent ledger: 2 records match" in intact.output

    with _database(tmp_path) as db:
        db.execute("UPDATE consent_events SET action = 'withdrawn' WHERE id = 1")
    altered = cli("audit", "verify", "--json")
    assert altered.exit_code == 1
    report = json.loads(altered.output)
    assert report["ok"] is False
    assert report["records"][0]["problem"] == "row 1 differs from its audit event"


def test_a_ledger_row_removed_or_slipped_in_is_caught(cli: CliRun, tmp_path: Path) -> None:
    _record(cli)
    _record(cli, "--medium", "email")
    with _database(tmp_path) as db:
        db.execute("DELETE FROM consent_events WHERE id = 1")
    removed = cli("audit", "verify")
    assert removed.exit_code == 1 and "row 1 was removed" in removed.output

    with _database(tmp_path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(consent_events)")]
        copied = ", ".join(c for c in columns if c != "id")
        db.execute(
            f"INSERT INTO consent_events (id, {copied}) SELECT 1, {copied} "
            "FROM consent_events WHERE id = 2"
        )
        db.execute(
            f"INSERT INTO consent_events (id, {copied}) SELECT 9, {copied} "
            "FROM consent_events WHERE id = 2"
        )
    slipped = cli("audit", "verify")
    assert slipped.exit_code == 1
    assert "consent ledger TAMPERED" in slipped.output


def test_bad_input_gets_one_sentence_and_no_traceback(cli: CliRun) -> None:
    policy = str(example_policy_file("msp"))
    cases = [
        ("consent", "record", "--how", "web-form", "--channel", "marketing", *WORDING),
        ("consent", "record", "--email", "a@example.com", "--how", "web-form", *WORDING),
        (
            "consent",
            "record",
            "--email",
            "a@example.com",
            "--how",
            "fax",
            "--channel",
            "marketing",
            *WORDING,
        ),
        (
            "consent",
            "record",
            "--email",
            "a@example.com",
            "--how",
            "web-form",
            "--channel",
            "marketing",
        ),
        (
            "consent",
            "record",
            "--email",
            "nope",
            "--how",
            "web-form",
            "--channel",
            "marketing",
            *WORDING,
        ),
        (
            "consent",
            "withdraw",
            "--email",
            "a@example.com",
            "--how",
            "email",
            "--channel",
            "emergency",
            "-p",
            policy,
        ),
        ("consent", "show", "--email", "nobody@example.com"),
        ("consent", "history"),
    ]
    for args in cases:
        result = cli(*args)
        assert result.exit_code in (1, 2), (args, result.output)
        assert "Traceback" not in result.output
        assert "error:" in result.output, (args, result.output)
