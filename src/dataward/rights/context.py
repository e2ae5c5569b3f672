"""What a run of a rights request carries: the session, keys, clock, policy and retry rule."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from dataward.audit import service as audit
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


@dataclass(frozen=True)
class At:
    """The clock as it read when an event happened, for appending the event later."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


@dataclass(frozen=True)
class PendingEvent:
    """An audit event of a run, gathered until the run's next checkpoint appends it."""

    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    subject: str | None
    details: dict[str, Any]


def append_events(session: Session, events: Sequence[PendingEvent]) -> None:
    """Append a run's gathered events to the audit chain, in the order they happened: the one
    place a rights run writes to the chain (a batched append belongs here)."""
    for pending in events:
        audit.record(
            session=session,
            clock=At(pending.at),
            actor=pending.actor,
            action=pending.action,
            object_type=pending.object_type,
            object_id=pending.object_id,
            subject=pending.subject,
            details=pending.details,
        )


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
    # The boundary's commit, the only way a run commits (see checkpoint); a test's session
    # commits to a savepoint; None leaves committing to the caller when the run returns.
    commit: Callable[[], None] | None = None
    # A worker's connectors, kept between runs; None opens and closes them per run.
    connectors: ConnectorCache | None = None
    # Audit events since the last checkpoint (see record).
    pending: list[PendingEvent] = field(default_factory=list)

    @property
    def policy(self) -> Policy:
        return self.loaded.policy

    def record(
        self,
        *,
        session: Session,
        clock: Clock,
        actor: str,
        action: str,
        object_type: str,
        object_id: str | None = None,
        subject: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        """audit.record's twin that gathers the event for the next checkpoint, so a step
        appends its events together instead of locking and reading the chain for each."""
        self.pending.append(
            PendingEvent(
                at=clock.now(),
                actor=actor,
                action=action,
                object_type=object_type,
                object_id=object_id,
                subject=subject,
                details=dict(details or {}),
            )
        )

    def append_events(self) -> None:
        """Append the gathered events now (before another domain appends its own, so the
        chain keeps the order things happened in)."""
        gathered, self.pending = self.pending, []
        append_events(self.session, gathered)

    def checkpoint(self) -> None:
        """The end of a step: its events appended, its changes flushed at once, and the
        boundary's commit, so what was done is evidence that survives a crash after it."""
        self.append_events()
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
