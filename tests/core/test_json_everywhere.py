"""Every command that prints a result takes --json (found by walking the command tree)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from command_tree import leaves
from typer.testing import CliRunner

from dataward.cli import app
from dataward.examples.catalogue import policy_path

# These print a document or a running narrative, not a result: no JSON shape would help.
NOT_A_RESULT = {
    "serve",  # runs until stopped
    "warm",  # runs until stopped, a line for each command it ran
    "demo",  # a guided tour, step by step
    "notice render",  # the notice itself (HTML or Markdown)
    "notice show",  # a published notice itself
    "keys rotate",  # prints where the new key is and what to set; nothing for a script
}

runner = CliRunner()
POLICY = policy_path("support")


def test_every_command_that_prints_a_result_takes_json() -> None:
    missing = [
        leaf.name
        for leaf in leaves()
        if leaf.name not in NOT_A_RESULT and not leaf.has_option("--json")
    ]
    assert missing == []


def test_ropa_export_reports_as_json(tmp_path: Path) -> None:
    out = tmp_path / "ropa.csv"
    result = runner.invoke(app, ["ropa", "export", str(POLICY), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["written"] == str(out) and report["activities"] > 0
    assert out.is_file()


def test_worker_once_reports_as_json(tmp_path: Path) -> None:
    env = {"DATAWARD_HOME": str(tmp_path / "home")}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    result = runner.invoke(app, ["worker", "--once", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {"ran"}


def test_no_help_text_names_the_specification() -> None:
    for leaf in leaves():
        result = runner.invoke(app, [*leaf.words, "--help"])
        assert "PROMISES" not in result.output, leaf.name
        assert not re.search(r"\b(S|msp|voip|support|schools|telecoms)-\d\d\b", result.output)
    for group in ("examples", "recipients", "transfers", "rights", "retention"):
        result = runner.invoke(app, [group, "--help"])
        assert "PROMISES" not in result.output
        assert not re.search(r"\b(S|msp)-\d\d\b", result.output), group
