"""`dataward examples list` and `dataward examples generate`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from dataward.cli import app
from dataward.examples import EXAMPLES, policy_path
from dataward.examples.systems import read_env_file

runner = CliRunner()


def test_list_names_every_example_with_its_policy() -> None:
    result = runner.invoke(app, ["examples", "list", "--json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [row["name"] for row in listed] == list(EXAMPLES)
    assert all(Path(row["policy"]).is_file() for row in listed)
    assert listed[1]["summary"].startswith("Kestrel IT Support Ltd")
    words = runner.invoke(app, ["examples", "list"])
    assert "Signalpath Communications Ltd" in words.stdout


def test_generate_builds_the_systems_and_reports_the_environment(tmp_path: Path) -> None:
    out = tmp_path / "voip"
    result = runner.invoke(
        app, ["examples", "generate", "voip", "--out", str(out), "--people", "15", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["environment"] == read_env_file(out / "systems.env")
    assert report["environment"]["VOIP_RECORDINGS_DIR"] == str(out.resolve() / "recordings")
    assert (out / "hr.sqlite").is_file()
    # A copy of the data map to practise on, beside the systems it describes.
    assert report["policy"] == str(out.resolve() / "dataward.yaml")
    assert (out / "dataward.yaml").read_text() == policy_path("voip").read_text()
    words = runner.invoke(app, ["examples", "generate", "voip", "--out", str(out), "--people", "5"])
    assert words.exit_code == 0, words.output
    assert "dataward systems test -p" in words.stdout


def test_generate_hides_passwords_of_server_urls_it_prints(tmp_path: Path) -> None:
    # A SQLite URL cannot carry a password, so check the printing rule on its own.
    from dataward.examples.commands import _shown

    assert _shown("postgresql+psycopg://dw:s3cret@db.example.com/crm") == (
        "postgresql+psycopg://dw:***@db.example.com/crm"
    )
    assert _shown("/srv/recordings") == "/srv/recordings"


def test_generate_refuses_bad_input_with_exit_code_2(tmp_path: Path) -> None:
    cases = [
        (["bakery"], "there is no example called 'bakery'"),
        (["voip", "--url", "crm"], "write SYSTEM=URL"),
        (["voip", "--url", "ledger=sqlite://"], "no SQL system called 'ledger'"),
        (["voip", "--url", "recordings=sqlite://"], "no SQL system called 'recordings'"),
        (["voip", "--people", "0"], "--people"),
    ]
    for arguments, message in cases:
        result = runner.invoke(
            app, ["examples", "generate", *arguments[:1], "--out", str(tmp_path), *arguments[1:]]
        )
        assert result.exit_code == 2, arguments
        assert message in result.output, (arguments, result.output)
    assert list(tmp_path.iterdir()) == []
