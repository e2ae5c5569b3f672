"""`dataward suppression ...` end to end: add, check, import, export (hashes only), filter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from people.factories import CliRun

ANN = "Ann.Other@Example.com"
BOB_PHONE = "07700 900123"


@pytest.fixture
def cli(cli: CliRun) -> CliRun:
    """The consent CLI after `dataward init`: keys exist, as on a real deployment."""
    assert cli("init").exit_code == 0
    return cli


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _json(cli: CliRun, *args: str) -> dict[str, object]:
    result = cli(*args, "--json")
    assert result.exit_code == 0, result.output
    loaded: dict[str, object] = json.loads(result.output)
    return loaded


def test_added_entries_are_found_however_written(cli: CliRun) -> None:
    _json(cli, "suppression", "add", "--email", ANN, "--phone", BOB_PHONE, "--reason", "phoned")
    assert _json(cli, "suppression", "check", "--email", "ann.other@example.com") == {
        "suppressed": True
    }
    assert _json(cli, "suppression", "check", "--phone", "+447700900123")["suppressed"] is True
    assert _json(cli, "suppression", "check", "--email", "ann@example.com")["suppressed"] is False
    assert "not suppressed" in cli("suppression", "check", "--email", "zed@example.com").output


def test_a_csv_of_addresses_is_imported_and_bad_values_are_counted(
    cli: CliRun, tmp_path: Path
) -> None:
    file = _csv(
        tmp_path / "unsubscribes.csv",
        "Name,Email,Mobile\n"
        "Ann,ann.other@example.com,\n"
        "Bob,,07700 900123\n"
        "Cy,not-an-address,12\n"
        "Ann again,ANN.OTHER@example.com,\n",
    )
    tally = _json(cli, "suppression", "import", str(file), "--reason", "old list")
    assert tally == {"added": 2, "already": 1, "invalid": 2}
    assert _json(cli, "suppression", "check", "--phone", BOB_PHONE)["suppressed"] is True


def test_the_export_holds_hashes_only_and_reimports_into_the_same_deployment(
    cli: CliRun, tmp_path: Path
) -> None:
    # A staff reason naming the person must not travel with the export either.
    _json(cli, "suppression", "add", "--email", ANN, "--reason", f"call from {ANN}")
    _json(cli, "suppression", "add", "--phone", BOB_PHONE, "--reason", "asked")
    exported = tmp_path / "out" / "suppression.csv"
    assert _json(cli, "suppression", "export", "--out", str(exported))["entries"] == 2
    text = exported.read_text(encoding="utf-8")
    for clear in ("ann", "example", "7700", "900123", "asked", "call from"):
        assert clear not in text.lower()
    assert exported.stat().st_mode & 0o077 == 0
    again = _json(cli, "suppression", "import", str(exported), "--reason", "merge")
    assert again == {"added": 0, "already": 2, "invalid": 0}


def test_hashes_from_a_deployment_with_other_keys_are_refused(
    cli: CliRun, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _json(cli, "suppression", "add", "--email", ANN, "--reason", "asked")
    exported = tmp_path / "suppression.csv"
    _json(cli, "suppression", "export", "--out", str(exported))
    from people.factories import cli_in

    other = cli_in(tmp_path / "other-home", monkeypatch)
    assert other("init").exit_code == 0
    refused = other("suppression", "import", str(exported), "--reason", "merge")
    assert refused.exit_code == 2
    assert "another key" in refused.output


def test_filter_drops_suppressed_rows_and_reports_only_line_numbers(
    cli: CliRun, tmp_path: Path
) -> None:
    _json(cli, "suppression", "add", "--email", ANN, "--phone", BOB_PHONE, "--reason", "asked")
    source = _csv(
        tmp_path / "list.csv",
        "email,phone,first_name\n"
        "ann.other@example.com,,Ann\n"
        "cy@example.com,+44 7700 900123,Cy\n"
        "dee@example.com,+44 7700 900999,Dee\n"
        '=HYPERLINK("x"),,Eve\n',
    )
    allowed = tmp_path / "allowed.csv"
    report_file = tmp_path / "report.json"
    report = _json(
        cli, "suppression", "filter", str(source), "--out", str(allowed),
        "--report", str(report_file),
    )  # fmt: skip
    assert report == {
        "rows": 4, "kept": 2, "imported": 0, "dropped": 2, "dropped_lines": [2, 3], "error": None
    }  # fmt: skip
    assert allowed.read_text(encoding="utf-8").splitlines() == [
        "email,phone,first_name",
        "dee@example.com,+44 7700 900999,Dee",
        '"=HYPERLINK(""x"")",,Eve',
    ]
    assert "example" not in report_file.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe binary", "not text"),
        (b"email\n" + b"a" * (70 * 1024) + b"@example.com\n", "longer than 64 KB"),
        (b"name,company\nAnn,Acme\n", "names no email or phone column"),
        (b"", "is empty"),
        (b"kind,identifier_hash,added_on\nemail,=1+1,2026-01-01\n", "not a suppression entry"),
    ],
)
def test_hostile_files_are_refused_with_one_sentence(
    cli: CliRun, tmp_path: Path, content: bytes, message: str
) -> None:
    file = tmp_path / "hostile.csv"
    file.write_bytes(content)
    for args in (
        ("suppression", "import", str(file), "--reason", "x"),
        ("suppression", "filter", str(file), "--out", str(tmp_path / "allowed.csv")),
    ):
        if message == "not a suppression entry" and args[1] == "filter":
            continue  # a hash file is no contact list; filtering it is covered above
        result = cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
        assert "Traceback" not in result.output
    assert _json(cli, "suppression", "export", "--out", str(tmp_path / "e.csv"))["entries"] == 0


def test_a_value_with_control_bytes_is_skipped_not_stored(cli: CliRun, tmp_path: Path) -> None:
    file = tmp_path / "nul.csv"
    file.write_bytes(b"email\nann@exa\x00mple.com\n\x1b[31mred@example.com\n")
    tally = _json(cli, "suppression", "import", str(file), "--reason", "x")
    assert tally == {"added": 0, "already": 0, "invalid": 2}
