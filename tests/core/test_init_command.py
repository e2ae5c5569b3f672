"""`dataward init`: keys created once, with owner-only access; re-running changes nothing."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from people.factories import cli_in


def test_init_creates_both_keys_and_says_where_they_live(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    cli = cli_in(home, monkeypatch)
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert f"master key created: {home / 'master.key'}" in result.stdout
    assert f"audit signing key created: {home / 'signing.key'}" in result.stdout
    assert str(home / "dataward.db") in result.stdout
    for name in ("master.key", "signing.key"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600


def test_running_init_again_keeps_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    cli = cli_in(home, monkeypatch)
    first = json.loads(cli("init", "--json").stdout)
    master, signing = (home / "master.key").read_bytes(), (home / "signing.key").read_bytes()
    second = json.loads(cli("init", "--json").stdout)
    assert (home / "master.key").read_bytes() == master
    assert (home / "signing.key").read_bytes() == signing
    assert second["master_key"]["state"] == second["signing_key"]["state"] == "exists"
    assert second["master_key"]["fingerprint"] == first["master_key"]["fingerprint"]


def test_init_with_the_key_in_the_environment_writes_no_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    cli = cli_in(home, monkeypatch)
    monkeypatch.setenv("DATAWARD_MASTER_KEY", "B" * 43 + "=")
    report = json.loads(cli("init", "--json").stdout)
    assert report["master_key"]["where"] == "DATAWARD_MASTER_KEY"
    assert not (home / "master.key").exists()


def test_init_refuses_a_master_key_the_database_was_not_made_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    cli = cli_in(home, monkeypatch)
    assert cli("init").exit_code == 0
    (home / "master.key").write_text("C" * 43 + "=\n")
    result = cli("init")
    assert result.exit_code == 2
    assert "wrong master key" in result.stderr
