"""Reaching a system to see that it answers and matches its dataset (`systems test`), and
keeping the result in the audit log, where the console reads each system's last test."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from dataward.audit import browse
from dataward.audit import service as audit
from dataward.connectors.registry import KINDS, connect
from dataward.core.clock import Clock
from dataward.core.errors import ConnectorError, NotFound
from dataward.policy.service import LoadedPolicy

TESTED = "systems.tested"


@dataclass(frozen=True)
class SystemTest:
    system: str
    kind: str
    status: str  # ok | failed | skipped
    seconds: float | None = None
    error: str | None = None
    fix: str | None = None
    reason: str | None = None  # why it was skipped
    at: datetime | None = None  # when, for a test read back from the log
    by: str | None = None

    def as_dict(self) -> dict[str, object]:
        found: dict[str, object] = {"system": self.system, "kind": self.kind}
        found["status"] = self.status
        if self.status == "skipped":
            found["reason"] = self.reason
        elif self.status == "failed":
            found |= {"error": self.error, "fix": self.fix}
        if self.seconds is not None:
            found["seconds"] = self.seconds
        return found


def test_system(
    loaded: LoadedPolicy, name: str, *, environ: Mapping[str, str] = os.environ
) -> SystemTest:
    """Connect to one declared system and run its connector's test."""
    declared = loaded.policy.system(name)
    if declared is None:
        names = ", ".join(s.name for s in loaded.policy.systems) or "none declared"
        raise NotFound(f"no system named {name!r} in the policy", fix=f"systems: {names}")
    kind = declared.connector
    if declared.dataset is None and kind in KINDS:
        return SystemTest(name, kind, "skipped", reason="no dataset is declared")
    started = time.perf_counter()
    try:
        connector = connect(declared, base_dir=loaded.base_dir, environ=environ)
        try:
            connector.test()
        finally:
            connector.close()
    except ConnectorError as exc:
        seconds = round(time.perf_counter() - started, 3)
        return SystemTest(name, kind, "failed", seconds, error=exc.message, fix=exc.fix)
    return SystemTest(name, kind, "ok", round(time.perf_counter() - started, 3))


def _quiet(text: str | None) -> str | None:
    # A system's message may quote a value it holds; the audit log must not.
    return None if text is None else audit.EMAIL_PATTERN.sub("[redacted]", text)[:500]


def record_test(*, session: Session, clock: Clock, actor: str, result: SystemTest) -> None:
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=TESTED,
        object_type="system",
        object_id=result.system,
        details={
            "kind": result.kind,
            "status": result.status,
            "seconds": result.seconds,
            "error": _quiet(result.error),
            "fix": _quiet(result.fix),
            "reason": result.reason,
        },
    )


def last_tests(*, session: Session) -> dict[str, SystemTest]:
    """Each system's most recent recorded test, by system name."""
    found: dict[str, SystemTest] = {}
    for name, event in browse.latest_per_object(
        session=session, action=TESTED, object_type="system"
    ).items():
        details = event.details
        seconds = details.get("seconds")
        found[name] = SystemTest(
            system=name,
            kind=str(details.get("kind", "")),
            status=str(details.get("status", "")),
            seconds=float(seconds) if isinstance(seconds, int | float) else None,
            error=details.get("error"),
            fix=details.get("fix"),
            reason=details.get("reason"),
            at=event.at,
            by=event.actor,
        )
    return found
