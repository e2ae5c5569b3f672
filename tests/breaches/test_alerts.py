"""The DPO is emailed at 24, 48 and 66 hours while reporting is undecided, each alert once."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rights.request_factories import Inbox, free_port, smtp_server
from sqlalchemy import Engine

from dataward.breaches import jobs as breach_jobs
from dataward.breaches import service
from dataward.core import jobs
from dataward.core.clock import FixedClock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.domains import metadata

from .conftest import example_policy

AWARE = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # GMT: the window crosses the change


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def live(engine: Engine, tmp_path: Path, mail: tuple[Inbox, int]) -> Iterator[Runtime]:
    settings = Settings(
        home=tmp_path / "home",
        environment="test",
        smtp_host="127.0.0.1",
        smtp_port=mail[1],
        mail_from="privacy@thistle.example.com",
    )
    settings.home.mkdir()
    yield Runtime.on_engine(settings, engine, FixedClock(AWARE + timedelta(hours=1)))
    with engine.begin() as connection:
        for table in reversed(metadata().sorted_tables):
            connection.execute(table.delete())


def _at(runtime: Runtime, hours: float) -> None:
    assert isinstance(runtime.clock, FixedClock)
    runtime.clock.moment = AWARE + timedelta(hours=hours)
    jobs.run_until_idle(runtime, handlers=breach_jobs.HANDLERS)


def test_alerts_at_24_48_and_66_hours_each_once_until_decided(
    live: Runtime, mail: tuple[Inbox, int]
) -> None:
    inbox = mail[0]
    keyring = Keyring(secrets.token_bytes(32))
    loaded = example_policy("schools")
    with live.transaction() as session:
        breach = service.open_breach(
            session=session, keyring=keyring, clock=live.clock, loaded=loaded, actor="cli:dpo",
            aware_at=AWARE, aware_zone="Europe/London",
            facts=service.BreachFacts(summary="USB stick lost", facts="class lists on it"),
        )  # fmt: skip
        breach_id = breach.id
    _at(live, 23.9)
    assert inbox.messages == []
    _at(live, 24)
    assert [m["Subject"] for m in inbox.messages] == [
        f"Breach {breach_id}: 24 hours since awareness, about 48 hours left"
    ]
    to = loaded.policy.organisation.privacy_contact
    assert inbox.messages[0]["To"] == to
    body = inbox.messages[0].get_body(preferencelist=("plain",))
    assert body is not None
    content = body.get_content()
    # Elapsed hours: 72 after 23:30 GMT is 00:30 BST on the Wednesday. No facts in the email.
    assert "00:30 BST on Wednesday 01 April 2026" in content
    assert "class lists" not in content
    _at(live, 30)  # the daily check finds nothing new to send
    with live.transaction() as session:
        jobs.enqueue(session=session, clock=live.clock, kind=breach_jobs.CHECK_JOB, payload={})
    _at(live, 30)
    assert len(inbox.messages) == 1
    _at(live, 48.5)
    assert len(inbox.messages) == 2 and "48 hours" in inbox.messages[1]["Subject"]
    with live.transaction() as session:
        service.decide(
            session=session, keyring=keyring, clock=live.clock, actor="cli:dpo",
            breach_id=breach_id, kind="report", ground=None, reasons="class lists of pupils",
        )  # fmt: skip
    _at(live, 66)
    assert len(inbox.messages) == 2, "a decided breach raises no more alerts"


def test_an_alert_that_cannot_be_sent_says_how_to_fix_the_mail_server(
    engine: Engine, tmp_path: Path
) -> None:
    # Nothing listens on the port: the error names the SMTP settings, and nothing about
    # verifying an identity (the advice of a rights request's code), and no alert is noted
    # as sent, so the next check tries again.
    from dataward.breaches.alerts import send_due_alerts
    from dataward.breaches.models import BreachAlert
    from dataward.core.errors import ConnectorError

    settings = Settings(
        home=tmp_path / "home", environment="test", smtp_host="127.0.0.1",
        smtp_port=free_port(), mail_from="privacy@thistle.example.com",
    )  # fmt: skip
    settings.home.mkdir()
    runtime = Runtime.on_engine(settings, engine, FixedClock(AWARE + timedelta(hours=25)))
    keyring = Keyring(secrets.token_bytes(32))
    try:
        with runtime.transaction() as session:
            service.open_breach(
                session=session, keyring=keyring, clock=runtime.clock,
                loaded=example_policy("schools"), actor="cli:dpo", aware_at=AWARE,
                aware_zone="Europe/London",
                facts=service.BreachFacts(summary="USB stick lost", facts="class lists on it"),
            )  # fmt: skip
        with pytest.raises(ConnectorError) as failed, runtime.transaction() as session:
            send_due_alerts(session=session, clock=runtime.clock, settings=settings)
        advice = f"{failed.value.message} {failed.value.fix}"
        assert "DATAWARD_SMTP_HOST" in advice and "--evidence" not in advice
        with runtime.transaction() as session:
            assert session.query(BreachAlert).count() == 0
    finally:
        with engine.begin() as connection:
            for table in reversed(metadata().sorted_tables):
                connection.execute(table.delete())
