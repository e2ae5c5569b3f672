"""A command that stops on work done by hand says which command to run next."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dataward.cli import app

from .test_execution_commands import ALICE, Cli, cli, empty_database, shop

__all__ = ["cli", "empty_database", "shop"]  # fixtures used by name below


def test_a_request_stopped_on_a_manual_task_says_what_to_run_next(cli: Cli) -> None:
    result = cli(
        "rights", "object", "--email", ALICE, "--purpose", "marketing.communications.email"
    )
    assert result.exit_code == 1, result.output
    reference = result.stdout.split()[0]
    assert f"then run: dataward rights task-done {reference} --system crm" in result.stdout
    again = cli("rights", "run", reference, "--json")
    assert json.loads(again.stdout)["next"] == [
        f"dataward rights task-done {reference} --system crm"
    ]
    done = cli("rights", "task-done", reference, "--system", "crm")
    assert "then run:" not in done.stdout


def test_closing_a_request_with_json_prints_the_request(cli: Cli) -> None:
    result = cli(
        "rights", "object", "--email", ALICE, "--purpose", "marketing.communications.email"
    )
    reference = result.stdout.split()[0]
    # `cli` adds --policy and --env-file, which only the commands that run a request take.
    withdrawn = CliRunner().invoke(
        app, ["rights", "withdraw", reference, "--reason", "by phone", "--json"]
    )
    assert withdrawn.exit_code == 0, withdrawn.output
    detail = json.loads(withdrawn.stdout)
    assert detail["reference"] == reference
    assert detail["state"] == "withdrawn"
