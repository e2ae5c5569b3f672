"""Two erasures of the same person at once: one runs, the other says another is running.

Runs on Dataward's own database of this test run: SQLite (a lock file in the home), or
PostgreSQL when DATAWARD_TEST_DATABASE_URL is set (an advisory lock).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict
from dataward.core.runtime import Runtime
from dataward.rights.context import ExecutionContext, Retry
from dataward.rights.execution import run_request
from dataward.rights.locks import person_lock
from dataward.rights.models import ItemOutcome, RequestKind, RequestState, RightsRequest

from .shop import ALICE, Shop, build_shop, shop_request

OPERATOR = "cli:olivia"


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = sa.create_engine(url)
    yield build_shop(tmp_path / "shop", url, engine)
    engine.dispose()


def _run_in_own_session(
    runtime: Runtime, keyring: Keyring, clock: FixedClock, shop: Shop, home: Path, request_id: int
) -> tuple[str, dict[str, int]]:
    """What one worker does: its own session, the request, a run. Returns how it ended and
    the request's recorded outcomes."""
    session = runtime.sessions()
    try:
        request = session.get(RightsRequest, request_id)
        assert request is not None
        ctx = ExecutionContext(
            session=session,
            keyring=keyring,
            clock=clock,
            home=home,
            actor=OPERATOR,
            loaded=shop.loaded,
            environ=shop.environ,
            retry=Retry(attempts=1),
            commit=session.commit,
        )
        try:
            run_request(ctx=ctx, request=request)
            ended = request.state.value
        except Conflict as exc:
            session.rollback()
            ended = f"refused: {exc.message}"
        session.commit()
        session.refresh(request)
        counts: dict[str, int] = {}
        for item in request.items:
            counts[item.outcome.value] = counts.get(item.outcome.value, 0) + 1
        return ended, counts
    finally:
        session.close()


def _two_requests(db: Session, keyring: Keyring, clock: FixedClock, shop: Shop) -> list[int]:
    return [
        shop_request(
            db,
            keyring=keyring,
            clock=clock,
            loaded=shop.loaded,
            kind=RequestKind.ERASURE,
            email=ALICE,
        ).id
        for _ in range(2)
    ]


def test_a_second_erasure_of_a_person_being_erased_says_another_is_running(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, tmp_path: Path, runtime: Runtime
) -> None:
    first, second = _two_requests(db, keyring, clock, shop)
    request = db.get(RightsRequest, first)
    assert request is not None
    pseudonym, reference = request.person_pseudonym, request.reference
    db.rollback()  # this test's session holds no transaction while the worker writes
    home = tmp_path / "home"
    before = shop.snapshot()
    results: list[tuple[str, dict[str, int]]] = []
    # The first erasure is under way (it holds the person's lock) while the second starts.
    with person_lock(db, home, pseudonym, reference):
        worker = threading.Thread(
            target=lambda: results.append(
                _run_in_own_session(runtime, keyring, clock, shop, home, second)
            )
        )
        worker.start()
        worker.join(timeout=60)
    ended, counts = results[0]
    assert ended.startswith("refused: another request about the same person")
    assert counts == {}
    assert shop.snapshot() == before


def test_two_erasures_of_one_person_at_once_count_each_row_once(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, tmp_path: Path, runtime: Runtime
) -> None:
    ids = _two_requests(db, keyring, clock, shop)
    db.rollback()
    home = tmp_path / "home"
    gate = threading.Barrier(2)
    results: dict[int, tuple[str, dict[str, int]]] = {}

    def work(request_id: int) -> None:
        gate.wait()
        results[request_id] = _run_in_own_session(runtime, keyring, clock, shop, home, request_id)

    threads = [threading.Thread(target=work, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    after = shop.snapshot()
    # Alice's customer row, card, 2 logins, request, report and 2 visits: 8 rows went, and the
    # two requests between them say exactly 8, whichever ran and whether the other waited.
    erased = sum(c.get(ItemOutcome.ERASED.value, 0) for _, c in results.values())
    assert erased == 8
    assert [c["id"] for c in after["customer"]] == [2]
    endings = sorted(e for e, _ in results.values())
    assert RequestState.AWAITING_REVIEW.value in endings
    for ending in endings:
        assert ending == RequestState.AWAITING_REVIEW.value or ending.startswith(
            "refused: another request about the same person"
        )
