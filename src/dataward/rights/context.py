"""What a run of a rights request carries: the session, keys, clock, policy and retry rule."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from dataward.connectors.base import Connector
from dataward.connectors.registry import KINDS, connect, unconfigured
from dataward.connectors.service import FoundSet
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import ConfigurationError, ConnectorError
from dataward.policy.schema import Policy, System
from dataward.policy.service import LoadedPolicy
from dataward.rights.models import RequestState, RightsRequest

T = TypeVar("T")


class ConnectorCache:
    """Connectors kept open between runs in a long-lived worker, so a request finds its
    systems' connection pools warm instead of connecting to each anew."""

    def __init__(self) -> None:
        self._open: dict[tuple[str, str, tuple[tuple[str, str], ...]], Connector] = {}
        self._lock = threading.Lock()

    def get(self, system: System, *, base_dir: Path, environ: Mapping[str, str]) -> Connector:
        names = sorted(
            str(v) for k, v in system.connection.items() if k.endswith("_env") and v is not None
        )
        key = (
            system.model_dump_json(),
            str(base_dir),
            tuple((n, environ.get(n, "")) for n in names),
        )
        with self._lock:
            found = self._open.get(key)
            if found is None:
                found = connect(system, base_dir=base_dir, environ=environ)
                self._open[key] = found
            return found

    def close(self) -> None:
        with self._lock:
            for connector in self._open.values():
                connector.close()
            self._open.clear()


def automatic(system: System) -> bool:
    """Dataward can search it itself: a known connector kind and a declared dataset."""
    return system.connector in KINDS and (system.dataset is not None)


def require_configured(
    loaded: LoadedPolicy, *, environ: Mapping[str, str], systems: Collection[str] = ()
) -> None:
    """Refuse before a request is opened or queued when a system it will search cannot be
    configured: otherwise the request sits in progress with a job that can only fail."""
    chosen = [
        s for s in loaded.policy.systems if automatic(s) and (not systems or s.name in systems)
    ]
    problems = unconfigured(chosen, base_dir=loaded.base_dir, environ=environ)
    if not problems:
        return
    lines = "; ".join(exc.message for _name, exc in sorted(problems.items()))
    raise ConfigurationError(
        f"{len(problems)} system(s) cannot be reached as configured, so nothing was recorded: "
        f"{lines}",
        fix="set the variables where the request will run: the environment of `dataward serve` "
        "and `dataward worker`, or the file DATAWARD_SYSTEMS_ENV_FILE names (direct commands "
        "also take --env-file), then make the request again",
    )


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
    # A worker's connectors, kept between runs; None opens and closes them per run.
    connectors: ConnectorCache | None = None

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
    # An erasure whose person is under a legal hold: why Dataward's own copy was not forgotten.
    forget_held: str | None = None
    # Identities given but not proved, so not searched by, each with why.
    dropped: list[str] = field(default_factory=list)
    # Systems whose records naming someone else wait for staff review.
    review: dict[str, str] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.request.state in (RequestState.AWAITING_REVIEW, RequestState.COMPLETED)
