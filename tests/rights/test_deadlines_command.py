"""`dataward rights deadline`: the due date, and the working behind it with --json."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from dataward.rights.commands import register


def _run(*args: str) -> tuple[int, str, str]:
    root = typer.Typer()
    register(root)
    # A second command keeps Typer from collapsing the root into the `rights` group itself.
    root.command("noop")(lambda: None)
    result = CliRunner().invoke(root, ["rights", "deadline", *args])
    return result.exit_code, result.stdout, result.stderr


def test_deadline_prints_the_due_date_alone() -> None:
    assert _run("--received", "2024-11-25") == (0, "2024-12-27\n", "")


def test_deadline_rolls_past_scottish_holidays() -> None:
    code, stdout, _ = _run("--received", "2024-12-02", "--nation", "scotland")
    assert (code, stdout) == (0, "2025-01-03\n")


def test_deadline_adds_paused_days_and_the_extension() -> None:
    assert _run("--received", "2026-03-02", "--paused-days", "3")[1] == "2026-04-07\n"
    assert _run("--received", "2026-03-02", "--extended")[1] == "2026-06-02\n"


def test_deadline_counts_from_the_day_identity_arrived() -> None:
    assert _run("--received", "2026-01-05", "--identity-on", "2026-01-12")[1] == "2026-02-12\n"


def test_deadline_json_shows_the_working() -> None:
    code, stdout, _ = _run("--received", "2026-01-31", "--json")
    assert code == 0
    assert json.loads(stdout) == {
        "received_on": "2026-01-31",
        "start_on": "2026-01-31",
        "nation": "england-and-wales",
        "one_month_on": "2026-02-28",
        "paused_days": 0,
        "extended": False,
        "rolled_from": "2026-02-28",
        "skipped": [{"on": "2026-02-28", "why": "Saturday"}, {"on": "2026-03-01", "why": "Sunday"}],
        "due_on": "2026-03-02",
        "extension_tell_by": "2026-02-28",
    }


def test_deadline_refuses_a_malformed_date_or_nation_as_a_usage_error() -> None:
    assert _run("--received", "25/11/2024")[0] == 2
    assert _run("--received", "2024-11-25", "--nation", "wales")[0] == 2
    assert _run("--received", "2024-11-25", "--paused-days", "-1")[0] == 2
