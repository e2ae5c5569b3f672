"""What a run of a rights request carries: the session, keys, clock, policy and retry rule."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from dataward.connectors.registry import KINDS
from dataward.connectors.traversal import FoundSet
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import ConnectorError
from dataward.policy.schema import Policy, System
from dataward.policy.service import LoadedPolicy
from dataward.rights.models import RequestState, RightsRequest

T = TypeVar("T")


def automatic(system: System) -> bool:
    """Dataward can search it itself: a known connector kind and a declared dataset."""
    return system.connector in KINDS and (system.dataset is not None)


@dataclass(frozen=True)
class Retry:
    """Up to `attempts` tries on ConnectorError, waiting `backoff`, then twice that, and so on."""

    attempts: int = 3
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep

    def run(self, action: Callable[[], T]) -> tuple[T, int]:
        """The result and how many tries it took; the last error if every try failed."""
        for attempt in range(1, self.attempts + 1):
            try:
                return action(), attempt
            except ConnectorError:
                if attempt == self.attempts:
                    raise
                self.sleep(self.backoff * 2 ** (attempt - 1))
        raise AssertionError("unreachable: the loop returns or raises")


@dataclass
class ExecutionContext:
    session: Session
    keyring: Keyring
    clock: Clock
    home: Path
    actor: str
    loaded: LoadedPolicy
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    retry: Retry = field(default_factory=Retry)
    # The boundary's commit; a test's session commits to a savepoint.
    commit: Callable[[], None] | None = None

    @property
    def policy(self) -> Policy:
        return self.loaded.policy

    def checkpoint(self) -> None:
        self.session.flush()
        if self.commit is not None:
            self.commit()


@dataclass
class Outcome:
    """What a run achieved, for the command or job that asked for it."""

    request: RightsRequest
    found: FoundSet | None = None
    failed: dict[str, str] = field(default_factory=dict)
    waiting: dict[str, str] = field(default_factory=dict)
    manual: list[str] = field(default_factory=list)
    package: bytes | None = None
    stopped: str | None = None
    notify: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.request.state in (RequestState.AWAITING_REVIEW, RequestState.COMPLETED)
