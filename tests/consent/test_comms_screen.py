"""`dataward comms screen | check | call-check` over real files and the CLI."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from people.factories import CliRun

from consent.ledger_factories import example_policy_file

WORDING = ("--wording-version", "form v1", "--wording", "Email me offers.")


@pytest.fixture(autouse=True)
def _initialised(cli: CliRun) -> None:
    assert cli("init").exit_code == 0


def _policy(business: str) -> tuple[str, str]:
    return ("-p", str(example_policy_file(business)))


def test_screen_keeps_who_may_be_emailed_and_says_why_the_rest_were_dropped(
    cli: CliRun, tmp_path: Path
) -> None:
    for email in ("ann@example.com", "bob@example.com"):
        assert cli(
            "consent", "record", "--email", email, "--channel", "marketing", "--how", "web-form",
            *WORDING, *_policy("msp"),
        ).exit_code == 0  # fmt: skip
    assert cli(
        "consent", "withdraw", "--email", "bob@example.com", "--channel", "marketing",
        "--how", "unsubscribe-link", *_policy("msp"),
    ).exit_code == 0  # fmt: skip
    contacts = tmp_path / "newsletter.csv"
    contacts.write_text(
        "Name,Email\n"
        "Ann,ANN@example.com\n"
        "Bob,bob@example.com\n"
        "Cat,cat@example.com\n"
        "Bad,not-an-address\n"
        ",\n"
        'Dee,"ann@example.com"\n',
        encoding="utf-8",
    )
    allowed, report = tmp_path / "out" / "allowed.csv", tmp_path / "out" / "report.json"
    result = cli(
        "comms", "screen", str(contacts), "--channel", "marketing-email",
        "--out", str(allowed), "--report", str(report), *_policy("msp"), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["rows"], summary["allowed"]) == (5, 2)
    assert summary["dropped"] == {"invalid-address": 1, "no-consent": 1, "withdrawn": 1}
    assert allowed.read_text(encoding="utf-8").splitlines() == [
        "Name,Email",
        "Ann,ANN@example.com",
        "Dee,ann@example.com",
    ]
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["dropped_rows"] == [
        {"line": 3, "reasons": ["withdrawn"]},
        {"line": 4, "reasons": ["no-consent"]},
        {"line": 5, "reasons": ["invalid-address"]},
    ]
    assert written["summary"] == summary
    for path in (allowed, report):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "ann" not in report.read_text(encoding="utf-8")


def test_check_answers_yes_or_no_with_the_exit_code(cli: CliRun) -> None:
    no = cli(
        "comms", "check", "--email", "ann@example.com", "--channel", "marketing", *_policy("msp")
    )
    assert no.exit_code == 1 and no.output.startswith("no:") and "no-consent" in no.output
    service = cli(
        "comms", "check", "--email", "ann@example.com", "--channel", "emergency",
        "--medium", "sms", *_policy("msp"),
    )  # fmt: skip
    assert service.exit_code == 0 and "service-message" in service.output
    refused = cli(
        "comms", "check", "--email", "ann@example.com", "--channel", "emergency",
        "--medium", "sms", "--marketing", *_policy("msp"),
    )  # fmt: skip
    assert refused.exit_code == 1 and "can never carry marketing" in refused.output


def test_live_calls_are_screened_against_tps_within_28_days(cli: CliRun, tmp_path: Path) -> None:
    listed, clean = "07700 900111", "07700 900222"
    tps = tmp_path / "tps.txt"
    tps.write_text("+447700900111\n", encoding="utf-8")
    ctps = tmp_path / "ctps.txt"
    ctps.write_text("+447700900999\n", encoding="utf-8")
    assert cli("tps", "import", str(tps), "--list", "tps", "--as-of", "2026-02-20").exit_code == 0
    assert cli("tps", "import", str(ctps), "--list", "ctps", "--as-of", "2026-02-20").exit_code == 0

    ok = cli("comms", "call-check", clean, "--on", "2026-03-02", "--json")
    assert ok.exit_code == 0 and json.loads(ok.output)["allowed"] is True
    blocked = cli("comms", "call-check", listed, "--on", "2026-03-02", "--json")
    assert blocked.exit_code == 1 and json.loads(blocked.output)["reasons"] == ["tps-listed"]
    stale = cli("comms", "call-check", clean, "--on", "2026-03-21", "--json")
    assert json.loads(stale.output)["reasons"] == ["stale-screening"]

    contacts = tmp_path / "calls.csv"
    contacts.write_text(f"phone\n{listed}\n{clean}\n\n", encoding="utf-8")
    result = cli(
        "comms", "screen", str(contacts), "--channel", "telemarketing", "--on", "2026-03-02",
        *_policy("voip"), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["allowed"], summary["dropped"]) == (1, {"tps-listed": 1})
    # The subscriber told this caller they do not object: TPS no longer bars the call.
    assert cli(
        "consent", "record", "--phone", listed, "--channel", "telemarketing", "--medium", "phone",
        "--how", "call-note", "--wording-version", "call script v2",
        "--wording", "May we call you about upgrades?", *_policy("voip"),
    ).exit_code == 0  # fmt: skip
    again = cli(
        "comms", "check", "--phone", listed, "--channel", "telemarketing", "--on", "2026-03-02",
        *_policy("voip"),
    )  # fmt: skip
    assert again.exit_code == 0, again.output


def test_hostile_lists_are_refused_in_one_sentence(cli: CliRun, tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    no_column = tmp_path / "names.csv"
    no_column.write_text("name\nAnn\n", encoding="utf-8")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"email\n\xff\xfe\x00\n")
    for path in (fifo, empty, no_column, binary, tmp_path / "missing.csv"):
        result = cli("comms", "screen", str(path), "--channel", "marketing", *_policy("msp"))
        assert result.exit_code == 2, (path, result.output)
        assert result.output.startswith("error:") and "Traceback" not in result.output
    no_policy = cli("comms", "check", "--email", "a@example.com", "--channel", "marketing")
    assert no_policy.exit_code == 2 and "no policy file" in no_policy.output


def test_attack_a_list_of_one_endless_line_is_refused_without_reading_it_whole(
    cli: CliRun, tmp_path: Path
) -> None:
    endless = tmp_path / "endless.csv"
    with endless.open("wb") as stream:
        stream.write(b"email\n")
        stream.write(b"a" * (8 * 1024 * 1024))
    result = cli("comms", "screen", str(endless), "--channel", "marketing", *_policy("msp"))
    assert result.exit_code == 2 and "line 2 of the list is longer than 64 KB" in result.output
