"""`dataward check FILE [--json]`: exit 0 clean (warnings allowed), 1 errors, 2 usage."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dataward.cli import app

from .policy_samples import CLEAN, write_policy

runner = CliRunner()


def test_a_clean_policy_exits_0(tmp_path: Path) -> None:
    path = write_policy(tmp_path, CLEAN)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: 0 errors, 0 warnings" in result.output


def test_warnings_alone_exit_0_and_are_printed(tmp_path: Path) -> None:
    path = write_policy(tmp_path, CLEAN.replace(", reason: limitation period for claims", ""))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0
    assert (
        f"{path}:10:14: retention.six-years: retention rule 'six-years' gives no reason for "
        "its period (add `reason:`: every period needs its justification (Art 5(1)(e))) "
        "[warning]" in result.output
    )
    assert "0 errors, 1 warning" in result.output


def test_errors_exit_1_with_every_problem_as_file_line_column(tmp_path: Path) -> None:
    body = CLEAN.replace("subjects: [customer]", "subjects: [custmer]").replace(
        "connector: sql", "connector: sqll"
    )
    path = write_policy(tmp_path, body)
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert (
        f"{path}:5:16: activities[0].subjects[0]: unknown data subject 'custmer' "
        "(did you mean `customer`?)"
    ) in result.output
    assert (
        f"{path}:13:16: systems[0].connector: unknown connector kind 'sqll' (did you mean `sql`?)"
    ) in result.output
    assert "2 errors, 0 warnings" in result.output


def test_json_output_lists_problem_objects(tmp_path: Path) -> None:
    body = CLEAN.replace("subjects: [customer]", "subjects: [custmer]").replace(
        ", reason: limitation period for claims", ""
    )
    path = write_policy(tmp_path, body)
    result = runner.invoke(app, ["check", "--json", str(path)])
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert problems == [
        {
            "file": str(path),
            "line": 5,
            "column": 16,
            "path": "activities[0].subjects[0]",
            "severity": "error",
            "message": "unknown data subject 'custmer'",
            "fix": "did you mean `customer`?",
            "text": f"{path}:5:16: activities[0].subjects[0]: unknown data subject 'custmer' "
            "(did you mean `customer`?)",
        },
        {
            "file": str(path),
            "line": 10,
            "column": 14,
            "path": "retention.six-years",
            "severity": "warning",
            "message": "retention rule 'six-years' gives no reason for its period",
            "fix": "add `reason:`: every period needs its justification (Art 5(1)(e))",
            "text": f"{path}:10:14: retention.six-years: retention rule 'six-years' gives no "
            "reason for its period (add `reason:`: every period needs its justification "
            "(Art 5(1)(e)))",
        },
    ]


def test_json_output_of_a_clean_policy_is_an_empty_list(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "--json", str(write_policy(tmp_path, CLEAN))])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder" in result.output


def test_a_file_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "dataward.yaml"
    path.write_bytes(b"organisation:\n  name: Caf\xe9 Ltd\n")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output


def test_a_yaml_syntax_error_exits_1_at_its_position(tmp_path: Path) -> None:
    path = tmp_path / "dataward.yaml"
    path.write_text("organisation:\n  name: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:3:1: YAML syntax error" in result.output


def test_a_period_over_200_years_is_a_located_error(tmp_path: Path) -> None:
    # It used to pass check and crash the sweep (the cutoff falls before year 1).
    path = write_policy(tmp_path, CLEAN.replace("period: 6 years", "period: 3000 years"))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:10:" in result.output
    assert "'3000 years' is longer than 200 years" in result.output
    assert "Traceback" not in result.output


def test_a_period_too_large_for_any_date_is_a_located_error_not_an_overflow(
    tmp_path: Path,
) -> None:
    path = write_policy(tmp_path, CLEAN.replace("period: 6 years", "period: 99999999999 years"))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:10:" in result.output
    assert "longer than 200 years" in result.output
    assert "Traceback" not in result.output and "OverflowError" not in result.output
