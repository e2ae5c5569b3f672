"""`audit verify` on several cores: the log checked in runs, each by its own process, gives
the same report as one event after another, and anything wrong in any run still gets the one
exact problem the one-by-one reader names.

Runs on the suite's database (SQLite, or PostgreSQL with DATAWARD_TEST_DATABASE_URL), in a
database of its own, committed, since the other processes read only what is committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, create_engine, delete, select, update
from sqlalchemy.orm import Session

from dataward.audit import checkpoints, runs
from dataward.audit import service as audit
from dataward.audit.models import GENESIS_HASH, AuditCheckpoint, AuditEvent, SigningKey
from dataward.audit.verify import ChainVerifier, VerifyReport, verify
from dataward.audit.witness import WitnessEntry
from dataward.core.clock import FixedClock
from dataward.core.db import make_engine
from dataward.domains import metadata

EVENTS = 120
CHECKPOINTS = (40, 97)  # after this many of them
LOGGED = EVENTS + 1  # and the signing key's registration, first


@pytest.fixture(autouse=True)
def short_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of ten events or more, so a short log is split as a long one would be."""
    monkeypatch.setattr(runs, "MIN_RUN", 10)


@pytest.fixture
def log(empty_database_url: str) -> Iterator[Engine]:
    """A committed log of EVENTS events, signed at CHECKPOINTS."""
    engine = make_engine(empty_database_url)
    metadata().create_all(engine)
    clock = FixedClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    key = Ed25519PrivateKey.generate()
    with Session(engine) as session, session.begin():
        for n in range(EVENTS):
            audit.record(
                session=session,
                clock=clock,
                actor="system:test",
                action="test.step",
                object_type="step",
                object_id=str(n),
                subject=None if n % 3 else f"p{n}",
                details={"n": n, "note": 'quote " é'},
            )
            clock.advance(seconds=1)
            if n + 1 in CHECKPOINTS:
                checkpoints.checkpoint_now(session=session, clock=clock, key=key)
    yield engine
    engine.dispose()


def _keys_and_witness(session: Session) -> tuple[dict[str, bytes], list[WitnessEntry]]:
    keys = {k.key_id: k.public_key for k in session.scalars(select(SigningKey))}
    witness = [checkpoints.entry_of(c) for c in session.scalars(select(AuditCheckpoint))]
    return keys, witness


def _verify(engine: Engine, workers: int) -> VerifyReport:
    with Session(engine) as session, session.begin():
        keys, witness = _keys_and_witness(session)
        return verify(session=session, pinned_keys=keys, witness=witness, workers=workers)


def _in_runs(engine: Engine, workers: int) -> tuple[bool, ChainVerifier]:
    """The runs alone, with no one-by-one reading behind them."""
    with Session(engine) as session, session.begin():
        keys, witness = _keys_and_witness(session)
        verifier = ChainVerifier(session.scalars(select(AuditCheckpoint)), keys, witness=witness)
        return runs.check_in_runs(session=session, verifier=verifier, workers=workers), verifier


def _change(engine: Engine, *statements: object) -> None:
    with Session(engine) as session, session.begin():
        for statement in statements:
            session.execute(statement)  # type: ignore[call-overload]


def test_a_log_checked_in_runs_reports_exactly_what_one_by_one_reports(log: Engine) -> None:
    one = _verify(log, workers=1)
    assert one.ok and one.events == LOGGED
    assert (one.checkpoints, one.witnessed, one.last_checkpoint) == (2, 2, 98)
    for workers in (2, 3, 5):
        assert _verify(log, workers=workers) == one, workers


def test_the_runs_alone_check_the_whole_log_with_its_checkpoints(log: Engine) -> None:
    vouched, verifier = _in_runs(log, workers=3)
    assert vouched
    assert verifier.expecting()[0] == LOGGED + 1
    assert verifier.finish() == _verify(log, workers=1)


def test_an_edited_event_in_a_later_run_is_named_exactly_as_one_by_one(log: Engine) -> None:
    _change(log, update(AuditEvent).where(AuditEvent.sequence == 100).values(object_id="forged"))
    vouched, verifier = _in_runs(log, workers=2)
    assert not vouched
    assert verifier.expecting() == (1, GENESIS_HASH)  # nothing taken from the runs
    one = _verify(log, workers=1)
    assert one.problem is not None and (one.problem.sequence, one.problem.kind) == (100, "altered")
    assert _verify(log, workers=2) == one


def test_a_deleted_event_is_named_exactly_as_one_by_one(log: Engine) -> None:
    _change(log, delete(AuditEvent).where(AuditEvent.sequence == 70))
    one = _verify(log, workers=1)
    assert one.problem is not None and one.problem.detected_by == "sequence gap"
    assert _in_runs(log, workers=2)[0] is False
    assert _verify(log, workers=3) == one


def test_a_rechained_rewrite_is_caught_by_its_checkpoint_in_a_run(log: Engine) -> None:
    """Someone with the database but not the key edits event 80 and recomputes every hash
    after it: every run hashes right, and the checkpoint at 98 still names the rewrite."""
    _rechain(log, 80, object_id="forged")
    one = _verify(log, workers=1)
    assert one.problem is not None and one.problem.detected_by == "checkpoint mismatch"
    vouched, verifier = _in_runs(log, workers=2)
    assert vouched and verifier.report.problem == one.problem
    assert _verify(log, workers=2) == one


def _rechain(engine: Engine, start: int, prev_hash: str | None = None, **values: object) -> None:
    """What someone with the database but not the key can do: change event `start` (its
    fields, or what it says came before it) and recompute every hash from there on."""
    with Session(engine) as session, session.begin():
        if prev_hash is None:
            previous = session.get(AuditEvent, start - 1)
            assert previous is not None
            prev_hash = previous.hash
        for event in session.scalars(
            select(AuditEvent).where(AuditEvent.sequence >= start).order_by(AuditEvent.sequence)
        ):
            if event.sequence == start:
                for name, value in values.items():
                    setattr(event, name, value)
            event.prev_hash = prev_hash
            event.hash = audit.expected_hash(event)
            prev_hash = event.hash


def test_a_run_that_does_not_follow_the_one_before_is_not_taken(log: Engine) -> None:
    """Event 61 starts the second of two runs; made to follow nothing, every run still hashes
    right in itself, and only joining them shows the break, as one by one does."""
    _rechain(log, 61, prev_hash="0" * 64)
    one = _verify(log, workers=1)
    assert one.problem is not None
    assert (one.problem.sequence, one.problem.detected_by) == (60, "prev_hash mismatch")
    assert _in_runs(log, workers=2)[0] is False
    assert _verify(log, workers=2) == one


def test_events_added_after_the_count_are_still_read(log: Engine) -> None:
    """The runs cover what was there when they were counted; the rest is read after them."""
    with Session(log) as session, session.begin():
        keys, witness = _keys_and_witness(session)
        verifier = ChainVerifier(session.scalars(select(AuditCheckpoint)), keys, witness=witness)
        assert runs.check_in_runs(session=session, verifier=verifier, workers=2)
        audit.record(
            session=session,
            clock=FixedClock(datetime(2026, 3, 3, tzinfo=UTC)),
            actor="system:test",
            action="test.late",
            object_type="step",
        )
        session.flush()
        report = verify(session=session, pinned_keys=keys, witness=witness, workers=2)
    assert report.ok and report.events == LOGGED + 1


def test_a_short_log_or_one_only_this_process_can_open_is_read_one_by_one(
    log: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "MIN_RUN", LOGGED)  # one run's worth: nothing to share
    assert _in_runs(log, workers=2)[0] is False
    memory = create_engine("sqlite://")
    with Session(memory) as session:
        assert runs.source_of(session) is None
