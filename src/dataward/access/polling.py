"""Events read from a table a tool keeps (a remote-support tool's session log, say).

The source names a system, a collection and a cursor column that only grows (an id). Each
page of new rows is recorded and the cursor moved in one transaction, so a poll that fails
half-way resumes where the last page ended, and an event is never recorded twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dataward.access import service
from dataward.access.imports import mapped_event
from dataward.access.models import AccessCursor
from dataward.connectors.registry import connect
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime
from dataward.policy.schema import AccessSource
from dataward.policy.service import LoadedPolicy

PAGE = 500


@dataclass
class PollReport:
    source: str
    new: int = 0
    repeated: int = 0
    findings: int = 0
    rejected: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "new": self.new,
            "repeated": self.repeated,
            "findings": self.findings,
            "rejected": self.rejected[:20],
        }


def polled_sources(loaded: LoadedPolicy) -> list[AccessSource]:
    return [s for s in loaded.policy.access_sources if s.system]


def poll_source(
    *,
    runtime: Runtime,
    loaded: LoadedPolicy,
    source: AccessSource,
    environ: Mapping[str, str],
    actor: str,
) -> PollReport:
    if not (source.system and source.collection and source.cursor):
        raise UsageError(
            f"access source {source.name!r} is not polled",
            fix="give it `system:`, `collection:` and `cursor:` (a column that only grows)",
        )
    system = loaded.policy.system(source.system)
    if system is None:
        raise UsageError(
            f"access source {source.name!r} names no declared system {source.system!r}",
            fix="name one of the policy's systems",
        )
    keyring = Keyring.from_settings(runtime.settings)
    report = PollReport(source.name)
    connector = connect(system, base_dir=loaded.base_dir, environ=environ)
    try:
        while True:
            with runtime.transaction() as session:
                cursor = session.get(AccessCursor, source.name)
                after = json.loads(cursor.position) if cursor else None
                rows = connector.rows_after(source.collection, source.cursor, after, limit=PAGE)
                if not rows:
                    return report
                events = []
                for row in rows:
                    try:
                        events.append(mapped_event(row, source))
                    except ValueError as exc:
                        report.rejected.append(f"{source.cursor} {row.get(source.cursor)}: {exc}")
                done = service.ingest(
                    session=session,
                    clock=runtime.clock,
                    keyring=keyring,
                    policy=loaded.policy,
                    source=source.name,
                    events=events,
                    actor=actor,
                )
                position = json.dumps(rows[-1][source.cursor], default=str)
                if cursor is None:
                    session.add(
                        AccessCursor(
                            source=source.name, position=position, polled_at=runtime.clock.now()
                        )
                    )
                else:
                    cursor.position, cursor.polled_at = position, runtime.clock.now()
            for item in done:
                report.repeated += item.repeated
                report.new += not item.repeated
                report.findings += 0 if item.repeated else len(item.findings)
    finally:
        connector.close()
