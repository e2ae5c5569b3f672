"""The edges of the command line: each bad input the issue names ends in one clear line and
exit 2 (1 for a bug), never a traceback, and nothing is done before the input is checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dataward.cli import app
from dataward.core.errors import Conflict
from dataward.examples.catalogue import policy_path

runner = CliRunner()
POLICY = policy_path("support")


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    env = {"DATAWARD_HOME": str(tmp_path / "home"), "DATAWARD_SMTP_PORT": "9"}
    assert runner.invoke(app, ["init"], env=env).exit_code == 0
    return env


def _one_line(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == "dataward 0.1.0\n"


def test_attack_deadline_at_the_end_of_the_calendar() -> None:
    for day in ("9999-12-31", "0001-01-01"):
        result = runner.invoke(app, ["rights", "deadline", "--received", day])
        assert result.exit_code == 2
        assert _one_line(result.output) == (
            f"error: {day} is not a plausible day "
            "(give a day between 1990-01-01 and 2999-12-31, as YYYY-MM-DD)"
        )


def test_attack_serve_on_a_port_that_does_not_exist() -> None:
    result = runner.invoke(app, ["serve", "--port", "99999"])
    assert result.exit_code == 2
    assert "less than or equal to 65535" in result.output
    assert "Traceback" not in result.output


def test_attack_ropa_export_into_a_file_as_if_a_folder(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    out = tmp_path / "afile" / "ropa.csv"
    result = runner.invoke(app, ["ropa", "export", str(POLICY), "--out", str(out)])
    assert result.exit_code == 2
    assert _one_line(result.output) == (
        f"error: cannot write {str(out)!r}: {str(tmp_path / 'afile')!r} is a file, not a folder "
        "(choose a path inside a folder)"
    )


def test_attack_examples_generate_over_an_existing_file(tmp_path: Path) -> None:
    existing = tmp_path / "notes.txt"
    existing.write_text("keep me", encoding="utf-8")
    result = runner.invoke(app, ["examples", "generate", "support", "--out", str(existing)])
    assert result.exit_code == 2
    assert _one_line(result.output) == (
        f"error: {str(existing)!r} is a file, not a folder (give a folder)"
    )
    assert existing.read_text(encoding="utf-8") == "keep me"


def test_attack_access_package_to_an_unwritable_path_runs_nothing(home: dict[str, str]) -> None:
    args = ["rights", "access", "-p", str(POLICY), "--email", "a@example.co.uk"]
    result = runner.invoke(app, [*args, "--out", "/proc/x.zip"], env=home)
    assert result.exit_code == 2
    assert _one_line(result.output).startswith("error: cannot write '/proc/x.zip': ")
    listed = runner.invoke(app, ["rights", "list", "--json"], env=home)
    assert json.loads(listed.stdout) == []


def test_an_output_folder_that_is_a_file_is_refused_with_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["notice", "render", str(POLICY), "--out", str(tmp_path)], env={})
    assert result.exit_code == 2
    assert _one_line(result.output) == (
        f"error: {str(tmp_path)!r} is a folder (give a file name, e.g. DIR/out.zip)"
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "DATAWARD_DATABASE_URL",
            "garbage",
            "error: DATAWARD_DATABASE_URL must be a database URL such as "
            "postgresql+psycopg://user@host/dataward or sqlite:///path/to/dataward.db",
        ),
        (
            "DATAWARD_SMTP_PORT",
            "twenty-five",
            "error: DATAWARD_SMTP_PORT must be a whole number (got 'twenty-five')",
        ),
        (
            "DATAWARD_SMTP_PORT",
            "70000",
            "error: DATAWARD_SMTP_PORT must be at most 65535 (got '70000')",
        ),
        (
            "DATAWARD_ENVIRONMENT",
            "prod",
            "error: DATAWARD_ENVIRONMENT must be one of 'development', 'production' or 'test' "
            "(got 'prod')",
        ),
    ],
)
def test_attack_malformed_settings_are_one_plain_sentence(
    variable: str, value: str, message: str
) -> None:
    result = runner.invoke(app, ["audit", "verify"], env={variable: value})
    assert result.exit_code == 2
    assert _one_line(result.output) == message


def test_the_database_password_is_never_echoed_back() -> None:
    result = runner.invoke(
        app, ["audit", "verify"], env={"DATAWARD_DATABASE_URL": "nosuch://u:hunter2@h/d"}
    )
    assert result.exit_code == 2
    assert "hunter2" not in result.output


def test_production_no_longer_demands_an_unused_secret_key(home: dict[str, str]) -> None:
    env = {**home, "DATAWARD_ENVIRONMENT": "production"}
    result = runner.invoke(app, ["audit", "verify", "--json"], env=env)
    assert result.exit_code == 0, result.output


def test_attack_hold_reason_naming_a_person_by_email(home: dict[str, str]) -> None:
    # The reason is stored sealed and the audit log keeps only its digest: an address in it
    # is the operator's business, and the hold is placed without a traceback.
    result = runner.invoke(
        app,
        ["holds", "add", "--reason", "claim by bob@example.co.uk", "--email", "b@example.co.uk"],
        env=home,
    )
    assert result.exit_code == 0, result.output
    log = runner.invoke(app, ["audit", "log", "--json"], env=home)
    assert "bob@example.co.uk" not in log.output


def test_a_reason_with_control_characters_is_refused(home: dict[str, str]) -> None:
    result = runner.invoke(
        app, ["holds", "add", "--reason", "claim\x1b[2J", "--email", "b@example.co.uk"], env=home
    )
    assert result.exit_code == 2
    assert _one_line(result.output) == (
        "error: the text contains control characters (write plain text)"
    )


def test_attack_ids_larger_than_any_row() -> None:
    result = runner.invoke(app, ["holds", "release", str(10**20), "--reason", "done"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_attack_env_file_that_never_ends(home: dict[str, str]) -> None:
    result = runner.invoke(
        app, ["systems", "test", "-p", str(POLICY), "--env-file", "/dev/zero"], env=home
    )
    assert result.exit_code == 2
    assert _one_line(result.output) == ("error: cannot read env file /dev/zero: not a regular file")


def test_a_domain_error_is_one_line_with_its_exit_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise Conflict("request DW-1 is already completed", fix="open a new request")

    monkeypatch.setattr("dataward.core.config.load_settings", refuse)
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert _one_line(result.output) == (
        "error: request DW-1 is already completed (open a new request)"
    )


def test_an_unexpected_error_is_one_line_saying_where_the_details_are(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def crash(*_args: object, **_kwargs: object) -> None:
        raise ZeroDivisionError("division by zero in a place nobody expected")

    monkeypatch.setattr("dataward.core.config.load_settings", crash)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    line = _one_line(result.output)
    assert line.startswith("error: unexpected ZeroDivisionError (a bug in Dataward); details ")
    log = Path(line.rsplit(" ", 1)[1])
    assert log.parent == tmp_path
    assert "ZeroDivisionError: division by zero" in log.read_text(encoding="utf-8")
