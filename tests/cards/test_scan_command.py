"""`dataward scan cards` on an example's systems: no false alarms in ordinary text, clear
errors, and every number it reports is one a scheme could have issued."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from people.factories import CliRun, cli_in

from dataward.examples.catalogue import policy_path
from dataward.examples.contents import GeneratedExample, build_example


@pytest.fixture(scope="module")
def support(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("support", tmp_path_factory.mktemp("cards"), people=60)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRun:
    run = cli_in(tmp_path / "home", monkeypatch)
    assert run("init").exit_code == 0
    return run


def _scan(cli: CliRun, support: GeneratedExample, *extra: str) -> tuple[int, str]:
    result = cli(
        "scan", "cards", "-p", str(policy_path("support")),
        "--env-file", str(support.out / "systems.env"), *extra,
    )  # fmt: skip
    return result.exit_code, result.output


def test_ordinary_tickets_emails_and_notes_raise_no_alarm(
    cli: CliRun, support: GeneratedExample
) -> None:
    code, output = _scan(cli, support, "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["findings"] == []
    # Every free-text collection was read to the end, and nothing else.
    assert set(report["rows_scanned"]) == {"helpdesk.tickets", "helpdesk.enquiries"}
    assert all(count > 0 for count in report["rows_scanned"].values())


def test_a_system_of_files_has_no_free_text_to_scan(cli: CliRun, support: GeneratedExample) -> None:
    code, output = _scan(cli, support, "--system", "recordings", "--json")
    assert code == 0 and json.loads(output)["rows_scanned"] == {}


def test_an_unknown_system_is_named_with_the_declared_ones(
    cli: CliRun, support: GeneratedExample
) -> None:
    code, output = _scan(cli, support, "--system", "helpdeks")
    assert code == 2 and "no system named 'helpdeks'" in output and "helpdesk" in output
