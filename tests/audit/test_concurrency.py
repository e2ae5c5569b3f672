"""Two writers appending at once never fork the chain (real threads, real databases)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from people.factories import own_database
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from dataward.audit import service as audit
from dataward.audit.verify import verify
from dataward.core.clock import FixedClock
from dataward.core.db import make_sessionmaker, transaction

WRITERS, TRANSACTIONS, EVENTS_EACH = 2, 20, 3


@pytest.fixture
def own_engine(tmp_path: Path) -> Iterator[Engine]:
    """A database of this test's own: the appends here really commit."""
    yield from own_database(tmp_path, "dw_audit_race")


def test_concurrent_writers_extend_one_chain(own_engine: Engine) -> None:
    sessions = make_sessionmaker(own_engine)
    clock = FixedClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    start = threading.Barrier(WRITERS)
    retries: list[int] = []
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        start.wait()
        try:
            for n in range(TRANSACTIONS):
                for attempt in range(50):
                    try:
                        with transaction(sessions) as session:
                            for k in range(EVENTS_EACH):
                                audit.record(
                                    session=session,
                                    clock=clock,
                                    actor=f"system:writer{writer}",
                                    action="test.concurrent",
                                    object_type="batch",
                                    object_id=f"{n}.{k}",
                                )
                        break
                    except (OperationalError, IntegrityError):
                        # SQLite only: a writer whose snapshot went stale must start over
                        # (the boundary's retry); PostgreSQL's advisory lock never gets here.
                        retries.append(attempt)
                else:
                    raise AssertionError("a writer never got its turn")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    if own_engine.dialect.name == "postgresql":
        assert retries == []
    with transaction(sessions) as session:
        report = verify(session=session)
        count = session.scalar(text("SELECT count(*) FROM audit_events"))
    assert report.ok, report.problem
    assert report.events == count == WRITERS * TRANSACTIONS * EVENTS_EACH
