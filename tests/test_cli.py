"""The `dataward` command: every domain's commands listed, each one loading only when used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer import _click as click
from typer.testing import CliRunner

from dataward import cli
from dataward.domains import Command

EXAMPLE = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "dataward"
    / "examples"
    / "businesses"
    / "support"
    / "dataward.yaml"
)
HEAVY = ("sqlalchemy", "holidays", "fideslang", "faker", "httpx")
runner = CliRunner()


def _loaded_after(code: str) -> dict[str, list[str]]:
    """Run `code` in a fresh interpreter; which heavy libraries and domains did it load?"""
    probe = (
        "import json, sys\n"
        f"{code}\n"
        "names = sorted(sys.modules)\n"
        f"print(json.dumps({{'heavy': [n for n in names if n in {HEAVY!r}],"
        " 'dataward': [n for n in names if n.startswith('dataward.')]}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    loaded: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_the_top_level_help_lists_every_domains_commands() -> None:
    result = runner.invoke(cli.app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for command in cli.COMMANDS:
        assert command.name in result.output
        assert command.help in result.output


@pytest.mark.parametrize("command", cli.COMMANDS, ids=lambda c: c.name)
def test_every_command_and_sub_command_has_working_help(command: Command) -> None:
    """Laziness must never hide a broken import: each command's help loads its modules."""
    result = runner.invoke(cli.app, [command.name, "--help"])
    assert result.exit_code == 0, result.output
    built = cli.build(command)
    for sub in getattr(built, "commands", {}):
        result = runner.invoke(cli.app, [command.name, sub, "--help"])
        assert result.exit_code == 0, (sub, result.output)


@pytest.mark.parametrize("command", cli.COMMANDS, ids=lambda c: c.name)
def test_the_listed_help_is_the_commands_own(command: Command) -> None:
    built = cli.build(command)
    assert isinstance(built, click.Command)
    own = (built.help or "").strip().splitlines()[0]
    assert command.help == own


def test_importing_the_cli_loads_no_heavy_library_and_no_domain() -> None:
    loaded = _loaded_after("import dataward.cli")
    assert loaded["heavy"] == []
    assert set(loaded["dataward"]) <= {"dataward.cli", "dataward.domains"}


def test_the_top_level_help_loads_no_domain() -> None:
    loaded = _loaded_after(
        "from typer.testing import CliRunner\n"
        "from dataward.cli import app\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0"
    )
    assert loaded["heavy"] == []
    assert set(loaded["dataward"]) <= {"dataward.cli", "dataward.domains"}


def test_checking_a_policy_loads_neither_the_database_layer_nor_an_http_client() -> None:
    loaded = _loaded_after(
        "from typer.testing import CliRunner\n"
        "from dataward.cli import app\n"
        f"assert CliRunner().invoke(app, ['check', {str(EXAMPLE)!r}]).exit_code == 0"
    )
    assert "sqlalchemy" not in loaded["heavy"]
    assert "httpx" not in loaded["heavy"]
    assert not any(
        n.startswith(("dataward.rights", "dataward.retention")) for n in loaded["dataward"]
    )


def test_a_mistyped_command_is_a_usage_error_with_a_suggestion() -> None:
    result = runner.invoke(cli.app, ["rihgts"])
    assert result.exit_code == 2
    assert "rights" in result.output


def test_garbage_collection_resumes_once_a_command_is_built() -> None:
    """Paused for the imports only: serve, worker and long sweeps must collect as usual."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import gc, sys\n"
            "from dataward import cli\n"
            "sys.argv = ['dataward', 'check', '--help']\n"
            "enabled = []\n"
            "built = cli.build\n"
            "cli.build = lambda c: (enabled.append(gc.isenabled()), built(c))[1]\n"
            "try:\n"
            "    cli.main()\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(enabled, gc.isenabled())\n",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stdout.strip().splitlines()[-1] == "[False] True"
