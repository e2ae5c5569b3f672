"""`dataward complaints`: stored against the person, encrypted, read only by named roles,
acknowledged and answered by letters sent through a real SMTP server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from people.factories import CliRun, cli_in
from rights.request_factories import Inbox, smtp_server
from sqlalchemy import create_engine, text

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "dataward" / "examples" / "businesses"
VOIP = str(EXAMPLES / "voip" / "dataward.yaml")
COMPLAINT = "You rang me on 07700 900461 after I asked to be taken off your list"


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mail: tuple[Inbox, int]) -> CliRun:
    monkeypatch.setenv("DATAWARD_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("DATAWARD_SMTP_PORT", str(mail[1]))
    monkeypatch.setenv("DATAWARD_MAIL_FROM", "privacy@signalpath.example.com")
    run = cli_in(tmp_path / "home", monkeypatch)
    assert run("init").exit_code == 0
    return run


def _open(cli: CliRun) -> str:
    result = cli(
        "complaints", "open", "-p", VOIP, "--channel", "phone", "--text", COMPLAINT,
        "--email", "dan.price@example.net", "--name", "Dan Price", "--account", "SP-20417",
        "--received", "2026-02-20T16:05", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return str(json.loads(result.output)["id"])


def test_a_complaint_is_encrypted_and_read_only_by_the_roles_named(
    cli: CliRun, tmp_path: Path
) -> None:
    number = _open(cli)
    engine = create_engine(f"sqlite:///{tmp_path / 'home' / 'dataward.db'}")
    with engine.connect() as connection:
        raw = connection.execute(text("SELECT text_ct, account_ct FROM complaints")).one()
        dump = "\n".join(connection.execute(text("SELECT details FROM audit_events")).scalars())
    engine.dispose()
    assert b"taken off your list" not in raw.text_ct and b"SP-20417" not in raw.account_ct
    assert "taken off" not in dump and "dan.price" not in dump

    listed = json.loads(cli("complaints", "list", "-p", VOIP, "--json").output)
    assert listed[0]["received_on"] == "2026-02-20"
    assert listed[0]["acknowledge_alert_on"] == "2026-03-21"
    assert listed[0]["acknowledge_due_on"] == "2026-03-23"  # 22 March is a Sunday
    assert "text" not in listed[0]

    for roles in ([], ["team_leader"], ["dpo"]):  # dpo is not among voip's readers
        arguments = [a for role in roles for a in ("--role", role)]
        refused = cli("complaints", "show", number, "-p", VOIP, *arguments)
        assert refused.exit_code == 1, refused.output
        assert "only by the roles the policy names" in refused.output
        assert "taken off" not in refused.output

    shown = cli("complaints", "show", number, "-p", VOIP, "--role", "complaints_officer", "--json")
    assert shown.exit_code == 0, shown.output
    found = json.loads(shown.output)
    assert (found["text"], found["account"], found["name"]) == (COMPLAINT, "SP-20417", "Dan Price")
    logged = cli("audit", "log", "--json").output.splitlines()
    assert [json.loads(line)["action"] for line in logged].count("complaints.read") == 1


def test_acknowledgement_update_and_outcome_letters_are_emailed(
    cli: CliRun, mail: tuple[Inbox, int]
) -> None:
    inbox = mail[0]
    number = _open(cli)
    closing = cli("complaints", "close", number, "-p", VOIP, "--outcome", "x")
    assert closing.exit_code == 1 and "never acknowledged" in closing.output

    assert cli("complaints", "acknowledge", number, "-p", VOIP).exit_code == 0
    update = "We are listening to the call."
    assert cli("complaints", "update", number, "-p", VOIP, "--text", update).exit_code == 0
    outcome = "Your number is now on our do-not-call list, and we apologise."
    assert cli("complaints", "close", number, "-p", VOIP, "--outcome", outcome).exit_code == 0

    subjects = [m["Subject"] for m in inbox.messages]
    assert subjects == [
        f"We have received your complaint (complaint {number})",
        f"An update on your complaint (complaint {number})",
        f"The outcome of your complaint (complaint {number})",
    ]
    assert all(m["To"] == "dan.price@example.net" for m in inbox.messages)
    bodies = [m.get_content() for m in inbox.messages]
    assert "Dear Dan Price," in bodies[0] and "20 February 2026" in bodies[0]
    assert "listening to the call" in bodies[1]
    assert outcome in bodies[2] and "ico.org.uk/make-a-complaint" in bodies[2]
    again = cli("complaints", "acknowledge", number, "-p", VOIP)
    assert again.exit_code == 1 and "already acknowledged" in again.output


def test_a_complaint_needs_a_way_to_reply(cli: CliRun) -> None:
    result = cli("complaints", "open", "-p", VOIP, "--text", "bad service")
    assert result.exit_code == 2 and "a way to reply" in result.output
