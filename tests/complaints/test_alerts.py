"""The daily check warns the DPO once, a week before the law's 30 days end."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from disclosures.web_runtime import example, runtime_for
from rights.request_factories import Inbox, smtp_server
from sqlalchemy import Engine

from dataward.complaints import jobs as complaint_jobs
from dataward.complaints import service
from dataward.core import jobs
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def runtime(engine: Engine, tmp_path: Path, mail: tuple[Inbox, int]) -> Iterator[Runtime]:
    yield from runtime_for(
        engine, tmp_path / "home", example("msp"), datetime(2026, 11, 25, 10, tzinfo=UTC), mail[1]
    )


def _run_check(runtime: Runtime, day: datetime) -> None:
    assert isinstance(runtime.clock, FixedClock)
    runtime.clock.moment = day
    with runtime.transaction() as session:
        jobs.enqueue(
            session=session, clock=runtime.clock, kind=complaint_jobs.ALERT_JOB, payload={}
        )
    jobs.run_until_idle(runtime, handlers=complaint_jobs.HANDLERS)


def test_one_warning_a_week_before_the_statutory_day(
    runtime: Runtime, mail: tuple[Inbox, int]
) -> None:
    with runtime.transaction() as session:
        service.open_complaint(
            session=session, keyring=Keyring(secrets.token_bytes(32)), clock=runtime.clock,
            actor="cli:office", channel="letter", text="you shared my details", email="a@b.example",
        )  # fmt: skip
    _run_check(runtime, datetime(2026, 12, 16, 9, tzinfo=UTC))  # 8 days before 24 December
    assert mail[0].messages == []
    _run_check(runtime, datetime(2026, 12, 17, 9, tzinfo=UTC))
    _run_check(runtime, datetime(2026, 12, 18, 9, tzinfo=UTC))
    (warning,) = mail[0].messages
    assert "acknowledge it by 24 December 2026" in warning["Subject"]
    assert "you shared" not in warning.get_content()
