"""`dataward people find | forget` and `dataward keys status | rotate` on a real home."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

from dataward.core.clock import FixedClock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.people import service as people
from people.factories import CliRun


def _register(home: Path, **identity: str) -> str:
    """The way a rights request or consent form would: through the service, committed."""
    rt = Runtime(settings=Settings(home=home), clock=FixedClock(datetime(2026, 3, 1, tzinfo=UTC)))
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        person = people.register_person(
            session=session, keyring=keyring, clock=rt.clock, **identity
        )
        pseudonym = person.pseudonym
    rt.engine.dispose()
    return pseudonym


def test_find_shows_the_pseudonym_and_never_the_details(cli: CliRun, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli("init").exit_code == 0
    pseudonym = _register(home, email="ann@example.com", name="Ann Other", phone="07700900127")
    result = cli("people", "find", "--email", "ANN@example.com")
    assert result.exit_code == 0
    assert pseudonym in result.stdout
    for secret in ("Ann Other", "7700900127", "ann@"):
        assert secret not in result.stdout
    as_json = json.loads(cli("people", "find", "--phone", "07700 900127", "--json").stdout)
    assert as_json == {
        "person": {"pseudonym": pseudonym, "data_held": True, "since": "2026-03-01"},
        "suppressed": False,
    }


def test_find_says_when_nobody_is_held(cli: CliRun) -> None:
    assert cli("init").exit_code == 0
    result = cli("people", "find", "--email", "nobody@example.com")
    assert result.exit_code == 0
    assert "no person with that identifier is held" in result.stdout
    assert cli("people", "find").exit_code == 2


def test_forget_crypto_shreds_and_the_log_still_verifies(cli: CliRun, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli("init").exit_code == 0
    pseudonym = _register(home, email="ann@example.com")
    result = cli("people", "forget", "--email", "ann@example.com", "--reason", "DW-2026-000001")
    assert result.exit_code == 0, result.output
    assert f"{pseudonym} forgotten" in result.stdout
    assert "no person" in cli("people", "find", "--email", "ann@example.com").stdout
    again = cli("people", "forget", "--email", "ann@example.com", "--reason", "again")
    assert again.exit_code == 1
    assert cli("audit", "verify").exit_code == 0
    forgotten = cli("audit", "log", "--json", "--action", "people.person.forgotten")
    assert json.loads(forgotten.stdout)["subject"] == pseudonym


def test_keys_status_reports_the_fingerprint_and_the_signing_key(cli: CliRun) -> None:
    init = json.loads(cli("init", "--json").stdout)
    result = cli("keys", "status", "--json")
    assert result.exit_code == 0
    status = json.loads(result.stdout)
    assert status["master_key"]["fingerprint"] == init["master_key"]["fingerprint"]
    assert status["master_key"]["matches"] is True
    assert status["signing_key"]["key_id"] == init["signing_key"]["key_id"]


def test_keys_status_fails_on_a_master_key_that_does_not_fit(cli: CliRun, tmp_path: Path) -> None:
    assert cli("init").exit_code == 0
    other = tmp_path / "other.key"
    other.write_text("A" * 43 + "=\n")
    result = cli("keys", "status", env={"DATAWARD_MASTER_KEY_FILE": str(other)})
    assert result.exit_code == 1
    assert "DOES NOT fit" in result.stdout


def test_rotate_replaces_the_key_file_keeps_the_old_one_and_data_stays_readable(
    cli: CliRun, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    assert cli("init").exit_code == 0
    _register(home, email="ann@example.com", name="Ann")
    old_text = (home / "master.key").read_text()
    result = cli("keys", "rotate")
    assert result.exit_code == 0, result.output
    assert "1 data keys and the index key re-wrapped" in result.stdout
    kept = home / "master.key.old-2026-03-02"
    assert kept.read_text() == old_text
    assert (home / "master.key").read_text() != old_text
    assert stat.S_IMODE((home / "master.key").stat().st_mode) == 0o600
    assert not (home / "master.key.new").exists()
    assert "kept as" in result.stdout
    assert cli("people", "find", "--email", "ann@example.com", "--json").stdout.count("p_") == 1
    refused = cli(
        "people", "find", "--email", "a@example.com", env={"DATAWARD_MASTER_KEY_FILE": str(kept)}
    )
    assert refused.exit_code == 2
    assert "wrong master key" in refused.stderr
    rotated = cli("audit", "log", "--json", "--action", "keys.master.rotated")
    assert json.loads(rotated.stdout)["details"]["people_rewrapped"] == 1


def test_rotate_to_a_new_file_leaves_the_current_one_in_place(cli: CliRun, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli("init").exit_code == 0
    target = tmp_path / "vault" / "next.key"
    result = cli("keys", "rotate", "--new-key-file", str(target))
    assert result.exit_code == 0, result.output
    assert "set DATAWARD_MASTER_KEY_FILE" in result.stdout
    assert (home / "master.key").exists()
    fits = cli("keys", "status", env={"DATAWARD_MASTER_KEY_FILE": str(target)})
    assert fits.exit_code == 0
    assert cli("keys", "rotate", "--new-key-file", str(target)).exit_code == 2
