"""The fast reader of `audit verify` (the database writes each event's canonical bytes) against
the row path: the same bytes, the same reports, and every kind of tampering still caught.

Runs on the suite's database: SQLite, or PostgreSQL with DATAWARD_TEST_DATABASE_URL.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.audit import verifier as fast_reader
from dataward.audit.canonical import chain_hash
from dataward.audit.chain import event_bytes
from dataward.audit.chained import POSTGRES_CHAINED, SQLITE_CHAINED
from dataward.audit.models import AuditEvent
from dataward.audit.verifier import check_rows
from dataward.audit.verify import ChainVerifier, VerifyReport
from dataward.core.clock import FixedClock

ODD_STRINGS = [
    "plain",
    "é ü 漢字 🙂 \u2028 \u00a0 \x7f",
    'quote " and backslash \\ and slash /',
    "controls \x01 \x08 \t \n \x0c \r \x1f",
    "",
    "ends with a backslash \\",
    '","actor":"forged',
]

ODD_DETAILS: list[dict[str, Any]] = [
    {},
    {"n": 0, "neg": -17, "big": 2**63 + 5, "huge": 10**30},
    {"floats": [0.1, 1.5, -0.0, 1e-05, 1e-7, 1e20, 1.0e16, 123456789.125, 5e-324]},
    {"nested": {"b": [1, {"z": None, "a": [True, False]}], "a": {"é": "ü", "": ""}}},
    {"text": ODD_STRINGS, "keys": {s: s for s in ODD_STRINGS}},
    {"deep": [[[[[{"x": [[]]}]]]]], "unicode key 🙂": "\\u00e9 as text"},
]


def _fill_odd(session: Session, clock: FixedClock) -> None:
    """Events with every kind of content the canonical encoding has to get right."""
    for n, details in enumerate(ODD_DETAILS * 2):
        label = ODD_STRINGS[n % len(ODD_STRINGS)]
        audit.record(
            session=session,
            clock=clock,
            actor=f"system:{label}",
            action=label or "empty",
            object_type=label,
            object_id=None if n % 3 == 0 else label,
            subject=None if n % 2 == 0 else f"p{n}-{label[:20]}",
            details=details,
        )
        clock.advance(microseconds=1 + 999_983 * n)
    # Moments: no microseconds, a zone other than UTC, a year before 1000.
    for moment in (
        datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        datetime(2026, 7, 1, 23, 59, 59, 999_999, tzinfo=timezone(timedelta(hours=-5))),
        datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
    ):
        audit.record(
            session=session,
            clock=FixedClock(moment),
            actor="system:test",
            action="test.moment",
            object_type="moment",
            details={"at": moment.isoformat()},
        )


def _fill(session: Session, clock: FixedClock, count: int) -> None:
    for n in range(count):
        audit.record(
            session=session,
            clock=clock,
            actor="system:test",
            action="test.step",
            object_type="step",
            object_id=str(n),
            subject=None if n % 2 else f"p{n}",
            details={"n": n, "note": ODD_STRINGS[n % len(ODD_STRINGS)]},
        )
        clock.advance(seconds=1)


def _chained_by_database(session: Session) -> dict[int, bytes]:
    """prev_hash ‖ canonical bytes of every event, as the fast reader's query writes them."""
    dialect = session.get_bind().dialect.name
    chained = {
        "sqlite": SQLITE_CHAINED,
        "postgresql": POSTGRES_CHAINED,
    }[dialect]
    rows = session.execute(text(f"SELECT sequence, {chained} FROM audit_events"))
    return {sequence: bytes(data) for sequence, data in rows}


def _run(session: Session, *, fast: bool, batch: int = 4) -> VerifyReport:
    return check_rows(session=session, verifier=ChainVerifier((), {}), batch=batch, fast=fast)


def _both(session: Session) -> VerifyReport:
    """Verify with the fast reader and with the row path alone: they must say the same."""
    slow = _run(session, fast=False)
    for batch in (1, 3, 4, 5000):
        assert _run(session, fast=True, batch=batch) == slow, batch
    return slow


def test_the_database_writes_exactly_the_canonical_bytes_of_every_event(
    session: Session, clock: FixedClock
) -> None:
    _fill_odd(session, clock)
    written = _chained_by_database(session)
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.sequence)).all()
    assert len(written) == len(events) == len(ODD_DETAILS) * 2 + 3
    session.expire_all()  # read back what is stored, not what was handed in
    for event in session.scalars(select(AuditEvent)):
        assert written[event.sequence] == event.prev_hash.encode() + event_bytes(event)
        assert chain_hash(event.prev_hash, written[event.sequence][64:]) == event.hash


def test_the_fast_reader_and_the_row_path_agree_on_an_intact_chain(
    session: Session, clock: FixedClock
) -> None:
    _fill_odd(session, clock)
    _fill(session, clock, 9)
    report = _both(session)
    assert report.ok and report.events == len(ODD_DETAILS) * 2 + 3 + 9
    assert report.canonical_bytes == sum(
        len(event_bytes(e)) for e in session.scalars(select(AuditEvent))
    )


def test_an_intact_chain_never_takes_the_row_path(
    session: Session, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill_odd(session, clock)
    _fill(session, clock, 20)

    def refuse(*args: Any, **kwargs: Any) -> bool:
        raise AssertionError("the row path was taken")

    monkeypatch.setattr(fast_reader, "_check_slow", refuse)
    assert _run(session, fast=True).ok


def _tamper_column(column: str, value: Any) -> Callable[[Session], None]:
    def tamper(session: Session) -> None:
        session.execute(update(AuditEvent).where(AuditEvent.sequence == 6).values({column: value}))

    return tamper


def _tamper_details_text(session: Session) -> None:
    # Behind the ORM: other canonical text, as an editor of the database would write it.
    session.execute(
        text("UPDATE audit_events SET details = :d WHERE sequence = 6"),
        {"d": '{"n":6,"note":"edited"}'},
    )


def _swap_order(session: Session) -> None:
    for old, new in ((6, 1000), (7, 6), (1000, 7)):
        session.execute(update(AuditEvent).where(AuditEvent.sequence == old).values(sequence=new))


def _delete_row(session: Session) -> None:
    session.execute(delete(AuditEvent).where(AuditEvent.sequence == 6))


def _insert_row(session: Session) -> None:
    """A forged event hashed onto event 5, the later ones moved up one to make room."""
    last = session.scalar(select(AuditEvent.sequence).order_by(AuditEvent.sequence.desc()))
    assert last is not None
    for sequence in range(last, 5, -1):
        session.execute(
            update(AuditEvent).where(AuditEvent.sequence == sequence).values(sequence=sequence + 1)
        )
    before = session.get(AuditEvent, 5)
    assert before is not None
    forged = audit.next_event(
        before,
        at=before.at,
        actor="system:test",
        action="test.forged",
        object_type="step",
        details={"n": 99},
    )
    session.add(forged)


def _rehash_one(session: Session) -> None:
    """Event 6 altered and its own hash recomputed: event 7 no longer follows it."""
    event = session.get(AuditEvent, 6)
    assert event is not None
    event.actor = "system:forger"
    event.hash = audit.expected_hash(event)


def _delete_and_rehash(session: Session) -> None:
    """Event 6 deleted and the later ones rechained onto event 5: only the gap shows."""
    session.execute(delete(AuditEvent).where(AuditEvent.sequence == 6))
    prev = session.get(AuditEvent, 5)
    assert prev is not None
    prev_hash = prev.hash
    for event in session.scalars(
        select(AuditEvent).where(AuditEvent.sequence > 6).order_by(AuditEvent.sequence)
    ):
        event.prev_hash = prev_hash
        event.hash = audit.expected_hash(event)
        prev_hash = event.hash


TAMPERING: dict[str, Callable[[Session], None]] = {
    "details": _tamper_details_text,
    "actor": _tamper_column("actor", "system:forger"),
    "action": _tamper_column("action", "test.other"),
    "object_type": _tamper_column("object_type", "other"),
    "object_id": _tamper_column("object_id", None),
    "subject": _tamper_column("subject", "p999"),
    "at": _tamper_column("at", datetime(2026, 3, 2, 10, 0, 5, 1, tzinfo=UTC)),
    "prev_hash": _tamper_column("prev_hash", "f" * 64),
    "hash": _tamper_column("hash", "e" * 64),
    "order": _swap_order,
    "deleted row": _delete_row,
    "inserted row": _insert_row,
    "rehashed row": _rehash_one,
    "deleted row, the rest rechained": _delete_and_rehash,
}


@pytest.mark.parametrize("kind", sorted(TAMPERING))
def test_tampering_is_caught_by_the_fast_reader_as_by_the_row_path(
    session: Session, clock: FixedClock, kind: str
) -> None:
    _fill(session, clock, 12)
    TAMPERING[kind](session)
    session.flush()
    session.expire_all()
    report = _both(session)
    assert not report.ok
    assert report.problem is not None and report.problem.sequence in (5, 6, 7)


def test_details_stored_as_other_but_equal_json_still_verify_through_the_row_path(
    session: Session, clock: FixedClock
) -> None:
    _fill(session, clock, 8)
    spaced = json.dumps({"note": ODD_STRINGS[2], "n": 2}, indent=1)  # keys unsorted, spaces
    session.execute(text("UPDATE audit_events SET details = :d WHERE sequence = 3"), {"d": spaced})
    session.expire_all()
    report = _both(session)
    assert report.ok, report.problem
    assert report.events == 8
