"""`dataward rights access | erase | rectify | object | run | task-done | package` end to end."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from dataward.core import migrate
from dataward.core.crypto import create_master_key_file
from dataward.core.db import make_engine
from dataward.domains import metadata

from .kestrel import ALICE, ALICE_PHONE, Kestrel, build

Cli = Callable[..., Result]


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Kestrel]:
    business = build(tmp_path / "kestrel")
    yield business
    business.dispose()


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Dataward's database as `dataward init` leaves it, built once and copied per test."""
    import dataward.cli  # noqa: F401  every domain's tables, registered by its commands

    path = tmp_path_factory.mktemp("template") / "dataward.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    metadata().create_all(engine)  # until the migrations are generated from the models
    engine.dispose()
    return path


@pytest.fixture
def cli(
    tmp_path: Path, shop: Kestrel, empty_database: Path, monkeypatch: pytest.MonkeyPatch
) -> Cli:
    """`dataward ...` against a private home with every table and a master key."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(empty_database, home / "dataward.db")
    for name in ("DATAWARD_DATABASE_URL", "DATAWARD_MASTER_KEY", "DATAWARD_MASTER_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATAWARD_HOME", str(home))
    monkeypatch.setenv("DATAWARD_NOW", "2026-03-02T10:00:00+00:00")
    create_master_key_file(home / "master.key")
    env_file = tmp_path / "systems.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in shop.environ.items()))
    from dataward.cli import app

    runner = CliRunner()

    def run(*args: str) -> Result:
        full = [*args, "--policy", str(shop.loaded.path), "--env-file", str(env_file)]
        return runner.invoke(app, full, catch_exceptions=False)

    return run


def _json(result: Result) -> Any:
    return json.loads(result.stdout)


def test_access_writes_the_package_and_leaves_the_request_for_review(
    cli: Cli, tmp_path: Path
) -> None:
    target = tmp_path / "out" / "alice.zip"
    result = cli("rights", "access", "--email", ALICE, "--out", str(target), "--json")
    assert result.exit_code == 0, result.output
    report = _json(result)
    assert report["state"] == "awaiting_review"
    assert report["records_found"] == 6
    assert report["package"] == str(target)
    data = json.loads(zipfile.ZipFile(target).read("data.json"))
    assert data["reference"] == report["reference"]

    again = tmp_path / "again.zip"
    from dataward.cli import app

    copied = CliRunner().invoke(
        app, ["rights", "package", report["reference"], "--out", str(again)]
    )
    assert copied.exit_code == 0, copied.output
    assert again.read_bytes() == target.read_bytes()


def test_erase_with_complete_lists_what_was_kept_and_whom_to_tell(cli: Cli, shop: Kestrel) -> None:
    result = cli("rights", "erase", "--email", ALICE, "--complete")
    assert result.exit_code == 0, result.output
    assert " erasure: completed" in result.stdout
    assert (
        "kept 1 in billing.invoices: legal_obligation: HMRC requires accounting records "
        "for 6 years (until 2031-06-01)" in result.stdout
    )
    assert "tell these recipients (Art 19): Deskly Inc, Ledger & Co LLP, Mailer Ltd" in (
        result.stdout
    )
    assert [r["id"] for r in shop.rows("crm", "tickets")] == [12]


def test_rectify_with_a_value_a_system_cannot_hold_exits_1_and_says_where(
    cli: Cli, shop: Kestrel
) -> None:
    result = cli(
        "rights",
        "rectify",
        "--phone",
        ALICE_PHONE,
        "--evidence",
        "called the number back; caller confirmed the account postcode",
        "--set",
        "user.contact.phone_number=07700 900555",
        "--retries",
        "1",
        "--json",
    )
    assert result.exit_code == 1, result.output
    report = _json(result)
    tasks = {t["system"]: t for t in report["tasks"]}
    assert tasks["billing"]["state"] == "failed"
    assert tasks["calls"]["state"] == "done"
    assert report["state"] == "in_progress"
    assert shop.rows("calls", "call_log")[0]["caller"] == "+447700900555"


def test_rectify_refuses_a_category_no_system_holds(cli: Cli) -> None:
    result = cli("rights", "rectify", "--email", ALICE, "--set", "user.biometric=x")
    assert result.exit_code == 2
    assert "no system in the policy holds data of category 'user.biometric'" in result.output


def test_a_marketing_objection_waits_for_staff_then_finishes(cli: Cli) -> None:
    result = cli(
        "rights", "object", "--email", ALICE, "--purpose", "marketing.communications.email"
    )
    assert result.exit_code == 1, result.output
    reference = result.stdout.split()[0]
    assert "crm                  manual    pending" in result.stdout

    done = cli("rights", "task-done", reference, "--system", "crm", "--json")
    assert done.exit_code == 0, done.output
    assert _json(done)["state"] == "awaiting_review"


def test_run_resumes_a_request_by_reference(cli: Cli, tmp_path: Path) -> None:
    first = cli("rights", "access", "--email", ALICE, "--json")
    reference = _json(first)["reference"]
    result = cli("rights", "run", reference, "--out", str(tmp_path / "p.zip"), "--json")
    assert result.exit_code == 0, result.output
    assert _json(result)["state"] == "awaiting_review"
    names = zipfile.ZipFile(io.BytesIO((tmp_path / "p.zip").read_bytes())).namelist()
    assert "letter.html" in names


def test_access_package_can_be_encrypted_with_a_password_made_for_it(
    cli: Cli, tmp_path: Path
) -> None:
    import pyzipper

    target = tmp_path / "out" / "alice.zip"
    result = cli("rights", "access", "--email", ALICE, "--out", str(target), "--encrypt", "--json")
    assert result.exit_code == 0, result.output
    password = _json(result)["package_password"]
    assert len(password) >= 20
    with pytest.raises(RuntimeError, match="encrypted"):
        zipfile.ZipFile(target).read("data.json")
    with pyzipper.AESZipFile(target) as archive:
        archive.setpassword(b"not the password")
        with pytest.raises(RuntimeError):
            archive.read("data.json")
        archive.setpassword(password.encode())
        data = json.loads(archive.read("data.json"))
    assert data["reference"] == _json(result)["reference"]


def test_stored_package_written_out_under_the_operators_password(cli: Cli, tmp_path: Path) -> None:
    import pyzipper

    first = cli("rights", "access", "--email", ALICE, "--json")
    reference = _json(first)["reference"]
    secret = tmp_path / "password.txt"
    secret.write_text("correct horse battery staple\n")
    target = tmp_path / "alice.zip"
    from dataward.cli import app

    result = CliRunner().invoke(
        app, ["rights", "package", reference, "--out", str(target), "--password-file", str(secret)]
    )
    assert result.exit_code == 0, result.output
    assert "password is" not in result.output  # the operator chose it; it is not echoed
    with pyzipper.AESZipFile(target) as archive:
        archive.setpassword(b"correct horse battery staple")
        assert json.loads(archive.read("data.json"))["reference"] == reference


def test_a_short_password_is_refused_before_the_request_runs(cli: Cli, tmp_path: Path) -> None:
    secret = tmp_path / "password.txt"
    secret.write_text("short\n")
    target = tmp_path / "alice.zip"
    result = cli(
        "rights", "access", "--email", ALICE, "--out", str(target), "--password-file", str(secret)
    )
    assert result.exit_code == 2
    assert "shorter than 12 characters" in result.output
    assert not target.exists()
    from dataward.cli import app

    listed = CliRunner().invoke(app, ["rights", "list", "--json"])
    assert json.loads(listed.stdout) == []


def test_packages_and_the_database_are_readable_by_their_owner_only(
    cli: Cli, tmp_path: Path
) -> None:
    import os
    import stat

    previous = os.umask(0o022)  # a shared server's usual umask
    try:
        target = tmp_path / "fresh-folder" / "alice.zip"
        result = cli("rights", "access", "--email", ALICE, "--out", str(target), "--json")
        assert result.exit_code == 0, result.output
        stored = Path(_json(result)["stored_package"])
    finally:
        os.umask(previous)
    home = Path(os.environ["DATAWARD_HOME"])
    for path in (target, stored, home / "dataward.db"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (home, stored.parent, target.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


def test_attack_free_text_names_people_in_clear_in_the_database(cli: Cli, tmp_path: Path) -> None:
    """Hold, refusal and extension reasons name people: someone reading the database file (or
    a backup of it) must not find them, nor the audit chain; staff still read them."""
    import os

    from dataward.cli import app

    runner = CliRunner()
    secret_words = ("Jane Marsh", "07700 900461", "jane.marsh@example.org")
    held = runner.invoke(
        app,
        [
            "holds",
            "add",
            "--email",
            ALICE,
            "--reason",
            "claim by Jane Marsh (07700 900461, jane.marsh@example.org) against Alice",
            "--json",
        ],
    )
    assert held.exit_code == 0, held.output
    opened = cli("rights", "access", "--email", ALICE, "--json")
    reference = _json(opened)["reference"]
    refused = runner.invoke(
        app,
        ["rights", "refuse", reference, "--reason", "asked already by Jane Marsh on 07700 900461"],
    )
    assert refused.exit_code == 0, refused.output
    assert "asked already by Jane Marsh" in refused.output  # the notice the person is sent
    # What staff checked to tie a phone to the requester can quote a third party too.
    vouched = cli(
        "rights",
        "access",
        "--phone",
        ALICE_PHONE,
        "--evidence",
        "Jane Marsh (07700 900461) confirmed the account on a call-back",
        "--json",
    )
    assert vouched.exit_code == 0, vouched.output

    home = Path(os.environ["DATAWARD_HOME"])
    stored = b"".join(p.read_bytes() for p in home.glob("dataward.db*"))
    for words in secret_words:
        assert words.encode() not in stored, words
    log = runner.invoke(app, ["audit", "log", "--json"])
    assert log.exit_code == 0, log.output
    for words in secret_words:
        assert words not in log.stdout, words

    listed = runner.invoke(app, ["holds", "list", "--json"])
    assert json.loads(listed.stdout)[0]["reason"].startswith("claim by Jane Marsh")
    shown = runner.invoke(app, ["rights", "show", reference, "--json"])
    assert "asked already by Jane Marsh" in json.loads(shown.stdout)["refused_reason"]
