"""`dataward rights open | send-code | verify | list | show | pause | resume | extend | approve |
refuse | withdraw` against a real SQLite home, a real SMTP server and a frozen clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy.orm import Session
from typer.testing import CliRunner, Result

from dataward.core import migrate
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring, decode_key, encode_key, new_key
from dataward.core.db import make_engine
from dataward.domains import metadata
from dataward.rights import service, workflow
from dataward.rights.commands import register
from dataward.rights.models import RequestState, RequestTask, TaskMode, TaskState

from .request_factories import Inbox, code_in, smtp_server, write_policy

NOW = "2026-03-02T10:00:00+00:00"
Run = Callable[..., Result]


class Home:
    """A Dataward home as `dataward init` leaves it, and a way to run `dataward rights`."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch, smtp_port: int) -> None:
        self.folder = folder
        self.master_key = encode_key(new_key())
        for name in ("DATAWARD_DATABASE_URL", "DATAWARD_MASTER_KEY_FILE", "DATAWARD_SMTP_USERNAME"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("DATAWARD_HOME", str(folder / "home"))
        monkeypatch.setenv("DATAWARD_MASTER_KEY", self.master_key)
        monkeypatch.setenv("DATAWARD_NOW", NOW)
        monkeypatch.setenv("DATAWARD_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("DATAWARD_SMTP_PORT", str(smtp_port))
        monkeypatch.setenv("DATAWARD_SMTP_STARTTLS", "false")
        monkeypatch.setenv("DATAWARD_MAIL_FROM", "privacy@wren.example.com")
        (folder / "home").mkdir()
        # Where serve and worker read the systems' variables: opening checks them there.
        systems_env = folder / "systems.env"
        systems_env.write_text(f"BILLING_DB_URL=sqlite:///{folder / 'billing.db'}\n")
        monkeypatch.setenv("DATAWARD_SYSTEMS_ENV_FILE", str(systems_env))
        self.url = f"sqlite:///{folder / 'home' / 'dataward.db'}"
        engine = make_engine(self.url)
        migrate.upgrade(engine)
        # Until the migrations are generated from the models, create what they do not.
        metadata().create_all(engine)
        engine.dispose()
        self.policy = write_policy(folder).path
        self.root = typer.Typer()
        register(self.root)
        self.root.command("noop")(lambda: None)

    def run(self, *args: str) -> Result:
        return CliRunner().invoke(self.root, ["rights", *args])

    def session(self) -> Session:
        return Session(make_engine(self.url), expire_on_commit=False)

    def keyring(self) -> Keyring:
        return Keyring(decode_key(self.master_key, source="test"))


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as (inbox, port):
        yield inbox, port


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mail: tuple[Inbox, int]) -> Home:
    return Home(tmp_path, monkeypatch, mail[1])


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _open(home: Home, *extra: str) -> str:
    opened = _json(
        home.run(
            "open", "--policy", str(home.policy), "--email", "alice@example.com", "--json", *extra
        )
    )
    reference: str = opened["reference"]
    return reference


def _finish_work(home: Home, reference: str) -> None:
    """What the execution job does when every system is done (execution.py's part)."""
    with home.session() as session:
        request = service.get_request(session=session, reference=reference)
        request.tasks.append(
            RequestTask(system="billing", mode=TaskMode.AUTOMATIC, state=TaskState.DONE, attempts=1)
        )
        workflow.transition(
            session=session,
            clock=FixedClock(datetime.fromisoformat(NOW)),
            request=request,
            to=RequestState.AWAITING_REVIEW,
            actor="system:rights",
        )
        session.commit()


def test_a_request_goes_from_intake_to_completion_on_the_command_line(
    home: Home, mail: tuple[Inbox, int]
) -> None:
    inbox, _ = mail
    opened = _json(
        home.run(
            "open",
            "--policy",
            str(home.policy),
            "--kind",
            "access",
            "--email",
            "alice@example.com",
            "--received",
            "2026-02-27",
            "--json",
        )
    )
    reference = opened["reference"]
    assert opened["state"] == "received"
    assert opened["due_on"] == "2026-03-27"
    assert opened["days_left"] == 25

    sent = home.run("send-code", reference)
    assert sent.exit_code == 0, sent.output
    assert f"code sent for {reference}" in sent.stdout
    assert len(inbox.messages) == 1
    assert "You asked Wren Telecom Ltd for a copy" in str(inbox.messages[0].get_body())
    code = code_in(inbox.messages[0])

    wrong = home.run("verify", reference, "--code", "000000" if code != "000000" else "111111")
    assert wrong.exit_code == 1
    assert "the code is wrong; 4 attempts left" in wrong.stderr

    right = home.run("verify", reference, "--code", code)
    assert right.exit_code == 0, right.output
    assert f"{reference} verified: the clock runs from 2026-03-02, due 2026-04-02" in right.stdout

    listed = _json(home.run("list", "--json"))
    assert [(r["reference"], r["state"], r["due_on"], r["days_left"]) for r in listed] == [
        (reference, "in_progress", "2026-04-02", 31)
    ]

    paused = home.run("pause", reference, "--asked-on", "2026-03-02")
    assert paused.exit_code == 0, paused.output
    assert "[clock stopped]" in home.run("list").stdout
    resumed = home.run("resume", reference, "--answered-on", "2026-03-02")
    assert resumed.exit_code == 0, resumed.output
    assert "1 day paused, due 2026-04-07" in resumed.stdout

    extended = home.run("extend", reference, "--reason", "complex", "--told-on", "2026-03-02")
    assert extended.exit_code == 0, extended.output
    assert "extended: due 2026-06-03" in extended.stdout

    _finish_work(home, reference)
    approved = home.run("approve", reference)
    assert approved.exit_code == 0, approved.output
    assert f"{reference} completed" in approved.stdout

    shown = _json(home.run("show", reference, "--json"))
    assert shown["state"] == "completed"
    assert shown["start_on"] == "2026-03-02"
    assert shown["original_due_on"] == "2026-04-07"
    assert shown["extended_due_on"] == "2026-06-03"
    assert shown["due_on"] == "2026-06-03"
    assert shown["paused_days"] == 1
    assert shown["pauses"] == [{"asked_on": "2026-03-02", "answered_on": "2026-03-02"}]
    assert shown["verification_method"] == "email_code"
    assert [(t["system"], t["state"]) for t in shown["tasks"]] == [("billing", "done")]
    assert "alice" not in json.dumps(shown)

    text = home.run("show", reference)
    assert text.exit_code == 0
    assert "extended to:    2026-06-03 (told 2026-03-02: complex)" in text.stdout
    assert "system:         billing: done (automatic, 1 tries)" in text.stdout


def test_staff_evidence_verifies_from_the_command_line(home: Home) -> None:
    reference = _open(home, "--kind", "erasure", "--received", "2026-02-20")
    result = home.run(
        "verify",
        reference,
        "--evidence",
        "passport seen at the office",
        "--identity-on",
        "2026-02-24",
    )
    assert result.exit_code == 0, result.output
    assert "the clock runs from 2026-02-24, due 2026-03-24" in result.stdout
    shown = _json(home.run("show", reference, "--json"))
    assert shown["verification_evidence"] == "passport seen at the office"
    assert shown["state"] == "in_progress"


def test_verify_needs_exactly_one_of_code_and_evidence(home: Home) -> None:
    reference = _open(home, "--kind", "access")
    both = home.run("verify", reference, "--code", "123456", "--evidence", "seen")
    neither = home.run("verify", reference)
    assert (both.exit_code, neither.exit_code) == (2, 2)
    assert "give either --code or --evidence" in neither.stderr


def test_a_rectification_keeps_its_changes_sealed_for_execution(home: Home) -> None:
    reference = _open(
        home,
        "--kind",
        "rectification",
        "--set",
        "user.contact.phone_number=07700 900456",
        "--note",
        "my new mobile",
    )
    with home.session() as session:
        request = service.get_request(session=session, reference=reference)
        details = service.request_details(session=session, keyring=home.keyring(), request=request)
    assert details == {
        "changes": {"user.contact.phone_number": "+447700900456"},
        "note": "my new mobile",
    }


def test_changes_are_only_for_rectification(home: Home) -> None:
    result = home.run(
        "open",
        "--policy",
        str(home.policy),
        "--kind",
        "access",
        "--email",
        "a@example.com",
        "--set",
        "user.contact.phone_number=07700 900456",
    )
    assert result.exit_code == 2
    assert "--set is for rectification requests" in result.stderr


def test_refusal_prints_the_reasons_and_the_right_to_complain(home: Home) -> None:
    reference = _open(home, "--kind", "access")
    result = home.run(
        "refuse", reference, "--reason", "manifestly excessive: third copy this month"
    )
    assert result.exit_code == 0, result.output
    assert "Our reasons: manifestly excessive: third copy this month" in result.stdout
    assert "Information Commissioner's Office" in result.stdout
    again = home.run("withdraw", reference)
    assert again.exit_code == 1
    assert "already refused" in again.stderr


def test_withdrawn_requests_are_listed_by_state(home: Home) -> None:
    kept = _open(home, "--kind", "access")
    gone = _open(home, "--kind", "erasure")
    assert home.run("withdraw", gone, "--reason", "by email").exit_code == 0
    withdrawn = _json(home.run("list", "--state", "withdrawn", "--json"))
    assert [r["reference"] for r in withdrawn] == [gone]
    everything = home.run("list")
    assert kept in everything.stdout
    assert f"{gone}  erasure       withdrawn" in everything.stdout
    assert "(closed)" in everything.stdout


def test_overdue_lists_only_what_is_late(home: Home) -> None:
    late = _open(home, "--kind", "access", "--received", "2026-01-20")
    _open(home, "--kind", "access")
    result = home.run("list", "--overdue")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(late)
    assert "due 2026-02-20 (overdue by 10 days)" in lines[0]


def test_an_extension_told_too_late_fails_with_the_reason(home: Home) -> None:
    reference = _open(home, "--kind", "access", "--received", "2026-01-20")
    result = home.run("extend", reference, "--reason", "complex", "--told-on", "2026-02-25")
    assert result.exit_code == 1
    assert "after the one-month point (2026-02-20)" in result.stderr


def test_an_unknown_reference_is_reported(home: Home) -> None:
    result = home.run("show", "DW-2026-999999")
    assert result.exit_code == 1
    assert "no rights request DW-2026-999999" in result.stderr


def test_an_unknown_kind_is_a_usage_error(home: Home) -> None:
    result = home.run(
        "open", "--policy", str(home.policy), "--kind", "deletion", "--email", "a@b.co"
    )
    assert result.exit_code == 2


def test_a_database_without_dataward_init_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATAWARD_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    root = typer.Typer()
    register(root)
    root.command("noop")(lambda: None)
    result = CliRunner().invoke(root, ["rights", "list"])
    assert result.exit_code == 2
    assert "run `dataward init` first" in result.stderr


def test_a_system_that_cannot_be_configured_stops_the_request_before_it_is_recorded(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATAWARD_SYSTEMS_ENV_FILE")
    monkeypatch.delenv("BILLING_DB_URL", raising=False)
    refused = home.run(
        "open", "--policy", str(home.policy), "--kind", "access", "--email", "alice@example.com"
    )
    assert refused.exit_code == 2
    assert "BILLING_DB_URL is not set" in refused.output
    assert "nothing was recorded" in refused.output
    assert json.loads(home.run("list", "--json").stdout) == []


def test_verifying_does_not_queue_a_run_that_can_only_fail(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataward.core import jobs

    reference = _open(home, "--kind", "access")
    # The variable disappears between intake and verification (a deployment changed).
    monkeypatch.delenv("DATAWARD_SYSTEMS_ENV_FILE")
    monkeypatch.delenv("BILLING_DB_URL", raising=False)
    refused = home.run("verify", reference, "--evidence", "passport seen at the counter")
    assert refused.exit_code == 2
    assert "BILLING_DB_URL is not set" in refused.output
    with home.session() as session:
        request = service.get_request(session=session, reference=reference)
        assert request.state is RequestState.RECEIVED  # not verified, not in progress
        assert session.query(jobs.Job).count() == 0
