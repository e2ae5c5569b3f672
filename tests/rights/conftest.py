"""Fixtures for the rights execution tests: Kestrel IT's real sources and a run context."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.rights.context import ExecutionContext, Retry

from .kestrel import OPERATOR, Kestrel, build, new_keyring


@pytest.fixture
def db(runtime: Runtime) -> Iterator[Session]:
    """A session whose commits are real (execution commits after each system); the `runtime`
    fixture empties every table afterwards."""
    session = runtime.sessions()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def kestrel(tmp_path: Path) -> Iterator[Kestrel]:
    business = build(tmp_path / "kestrel")
    yield business
    business.dispose()


@pytest.fixture
def keyring() -> Keyring:
    return new_keyring()


class Sleeps:
    """Records the backoff a retry asked for instead of waiting for it."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.then: Callable[[], None] | None = None

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.then is not None:
            self.then()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


MakeContext = Callable[..., ExecutionContext]


@pytest.fixture
def make_context(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    tmp_path: Path,
    sleeps: Sleeps,
) -> MakeContext:
    def make(**overrides: Any) -> ExecutionContext:
        options: dict[str, Any] = {
            "session": db,
            "keyring": keyring,
            "clock": clock,
            "home": tmp_path / "home",
            "actor": OPERATOR,
            "loaded": kestrel.loaded,
            "environ": kestrel.environ,
            "retry": Retry(attempts=3, backoff=0.5, sleep=sleeps),
            "commit": db.commit,
        }
        options.update(overrides)
        return ExecutionContext(**options)

    return make
