"""`dataward demo`: the quick start's one command works on a fresh folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dataward.cli import app
from dataward.examples.demo import MARKER


@pytest.mark.slow
def test_the_demo_runs_every_step_and_leaves_its_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAWARD_NOW", "2026-03-02T10:00:00+00:00")
    result = CliRunner().invoke(
        app, ["demo", "support", "--home", str(tmp_path / "demo"), "--people", "40"]
    )
    assert result.exit_code == 0, result.output
    reports = tmp_path / "demo" / "support" / "reports"
    assert {p.name for p in reports.iterdir()} >= {
        "notice.html",
        "ropa.xlsx",
        "access-package.zip",
        "forecast.svg",
    }
    with zipfile.ZipFile(reports / "access-package.zip") as package:
        names = package.namelist()
    assert "letter.html" in names and "data.json" in names
    assert any(name.endswith(".wav") for name in names)  # Priya's call recordings
    assert "verified" in result.output.lower()  # the audit chain verified
    assert "exited" not in result.output


def test_the_demo_names_the_examples_when_given_an_unknown_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "bakery", "--home", str(tmp_path)])
    assert result.exit_code == 2
    assert "choose one of: msp, support, voip, schools, telecoms" in result.output


@pytest.mark.slow
def test_a_failed_step_fails_the_demo_and_fresh_starts_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAWARD_NOW", "2026-03-02T10:00:00+00:00")
    folder = tmp_path / "demo" / "support"
    folder.mkdir(parents=True)
    (folder / MARKER).touch()  # a previous demo run ...
    (folder / "master.key").write_text("garbage\n")  # ... whose master key was damaged
    arguments = ["demo", "support", "--home", str(tmp_path / "demo"), "--people", "20"]

    broken = CliRunner().invoke(app, arguments)
    assert broken.exit_code == 1, broken.output
    assert "exited" in broken.output
    assert "dataward demo --fresh" in broken.output

    fresh = CliRunner().invoke(app, [*arguments, "--fresh"])
    assert fresh.exit_code == 0, fresh.output
    assert "exited" not in fresh.output
    assert (folder / "master.key").read_text() != "garbage\n"


def test_fresh_will_not_empty_a_folder_the_demo_did_not_make(tmp_path: Path) -> None:
    folder = tmp_path / "support"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    result = CliRunner().invoke(app, ["demo", "support", "--home", str(tmp_path), "--fresh"])
    assert result.exit_code == 2
    assert "was not made by `dataward demo`" in result.output
    assert (folder / "thesis.txt").read_text() == "years of work"
