"""`dataward rights open | send-code | verify | run | show | review | access` with identities
proved one by one, against a real SQLite home, a real billing database and a real SMTP server."""

from __future__ import annotations

import json
import shutil
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

from .household import ALICE, ALICE_PHONE, BOB, BOB_ACCOUNT, BOB_PHONE, MALLORY, build_billing
from .household import customer_ids as customer_ids
from .request_factories import Inbox, code_in, smtp_server, write_policy

Cli = Callable[..., Result]


@pytest.fixture(scope="module")
def empty_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import dataward.cli  # noqa: F401  every domain's tables, registered by its commands

    path = tmp_path_factory.mktemp("template") / "dataward.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    metadata().create_all(engine)
    engine.dispose()
    return path


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as (received, port):
        yield received, port


@pytest.fixture
def cli(
    tmp_path: Path,
    empty_database: Path,
    inbox: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copyfile(empty_database, home / "dataward.db")
    for name in ("DATAWARD_DATABASE_URL", "DATAWARD_MASTER_KEY", "DATAWARD_MASTER_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATAWARD_HOME", str(home))
    monkeypatch.setenv("DATAWARD_NOW", "2026-03-02T10:00:00+00:00")
    monkeypatch.setenv("DATAWARD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DATAWARD_SMTP_PORT", str(inbox[1]))
    monkeypatch.setenv("DATAWARD_MAIL_FROM", "privacy@wren.example.com")
    create_master_key_file(home / "master.key")
    policy = write_policy(tmp_path).path
    env_file = tmp_path / "systems.env"
    env_file.write_text(f"BILLING_DB_URL={build_billing(tmp_path / 'billing')}\n")
    # Where serve and worker read the systems' variables; opening a request checks them there.
    monkeypatch.setenv("DATAWARD_SYSTEMS_ENV_FILE", str(env_file))
    from dataward.cli import app

    runner = CliRunner()

    def run(*args: str, systems: bool = False) -> Result:
        extra = ["--policy", str(policy)] if args[1] in ("open", "access", "erase") else []
        if systems:
            extra += ["--env-file", str(env_file)]
        return runner.invoke(app, [*args, *extra], catch_exceptions=False)

    return run


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_requester_who_proves_only_their_email_gets_only_their_own_records(
    cli: Cli, inbox: tuple[Inbox, int]
) -> None:
    opened = _json(
        cli(
            "rights",
            "open",
            "--kind",
            "access",
            "--email",
            MALLORY,
            "--phone",
            BOB_PHONE,
            "--ref",
            f"account_number={BOB_ACCOUNT}",
            "--json",
        )
    )
    reference = opened["reference"]

    sent = cli("rights", "send-code", reference)
    assert sent.exit_code == 0, sent.output
    assert "to the requester's email" in sent.stdout
    no_sms = cli("rights", "send-code", reference, "--by", "sms")
    assert no_sms.exit_code == 2
    assert "DATAWARD_SMS_EMAIL_DOMAIN" in no_sms.output
    assert "--by-call-back" in no_sms.output
    assert "Traceback" not in no_sms.output
    no_evidence = cli("rights", "verify", reference, "--identity", "phone", "--by-call-back")
    assert no_evidence.exit_code == 2 and "--evidence" in no_evidence.output

    verified = cli("rights", "verify", reference, "--code", code_in(inbox[0].messages[0]))
    assert verified.exit_code == 0, verified.output
    assert "not searched unless verified before it runs: ref:account_number, phone" in (
        verified.stdout
    )

    report = _json(cli("rights", "run", reference, "--json", systems=True))
    assert report["state"] == "awaiting_review"
    assert report["records_found"] == 1
    assert [line.split(": it was")[0] for line in report["identities_not_searched"]] == [
        "ref:account_number",
        "phone",
    ]
    shown = _json(cli("rights", "show", reference, "--json"))
    searched = {i["identity"]: i["searched_by"] for i in shown["identities"]}
    assert searched == {"email": True, "phone": False, "ref:account_number": False}
    text = cli("rights", "show", reference)
    assert "phone: not searched: it was not verified" in text.stdout
    assert BOB not in text.stdout


def test_staff_at_the_server_must_say_what_they_checked_for_a_phone_or_reference(
    cli: Cli,
) -> None:
    refused = cli("rights", "access", "--phone", BOB_PHONE, "--json", systems=True)
    assert refused.exit_code == 2
    assert "add --evidence" in refused.output and "Traceback" not in refused.output

    report = _json(
        cli(
            "rights",
            "access",
            "--phone",
            BOB_PHONE,
            "--evidence",
            "Bob called from the number on file and confirmed his address",
            "--json",
            systems=True,
        )
    )
    assert report["records_found"] == 1 and report["identities_not_searched"] == []
    shown = _json(cli("rights", "show", report["reference"], "--json"))
    [phone] = shown["identities"]
    assert phone["method"] == "staff_asserted"
    assert phone["evidence"] == "Bob called from the number on file and confirmed his address"
    assert phone["verified_by"].startswith("cli:")


def test_a_row_naming_someone_else_is_reviewed_on_the_command_line(cli: Cli) -> None:
    opened = _json(
        cli(
            "rights",
            "open",
            "--kind",
            "erasure",
            "--email",
            ALICE,
            "--phone",
            ALICE_PHONE,
            "--json",
        )
    )
    reference = opened["reference"]
    assert cli("rights", "verify", reference, "--evidence", "passport seen").exit_code == 0
    called = cli(
        "rights",
        "verify",
        reference,
        "--by-call-back",
        "--evidence",
        "rang the number; Alice answered and confirmed the request",
    )
    assert called.exit_code == 0, called.output

    first = cli("rights", "run", reference, "--json", systems=True)
    assert first.exit_code == 1
    report = json.loads(first.stdout)
    [waiting] = report["needs_review"]
    assert waiting["system"] == "billing"

    listed = cli("rights", "review", reference)
    assert f"#{waiting['id']} billing.customers [needs review]" in listed.stdout
    decided = cli("rights", "review", reference, "--exclude", str(waiting["id"]))
    assert decided.exit_code == 0, decided.output
    assert "queued to run again" in decided.stdout

    second = _json(cli("rights", "run", reference, "--json", systems=True))
    assert second["state"] == "awaiting_review"
    assert second["needs_review"] == []
