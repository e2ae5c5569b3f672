"""A contact list imported into a source system through its connector, filtered first.

This is the import path the connectors offer (`Connector.insert`), and the only one: every row
whose email or phone is suppressed is dropped before the rest reach the system, so no import
re-subscribes anyone. The import is logged with what went in and how much was dropped (never
an address). Rows a system took stay taken if a later batch fails: the event says how many.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.connectors import registry
from dataward.consent import lists
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import ConnectorError, UsageError
from dataward.policy.service import LoadedPolicy


def import_into(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    loaded: LoadedPolicy,
    environ: Mapping[str, str],
    target: str,
    source: Path,
    out: Path | None,
) -> tuple[lists.FilterReport, str | None]:
    """Filter `source` and insert the rows kept into `target` (system.collection); the report
    and, when the system refused a batch, why."""
    system_name, _, collection = target.partition(".")
    system = loaded.policy.system(system_name)
    declared = system.dataset.collections if system and system.dataset else []
    if system is None or collection not in {c.name for c in declared}:
        raise UsageError(
            f"{target!r} is not a collection of the policy",
            fix="write SYSTEM.COLLECTION as the policy names them, e.g. mailer.subscribers",
        )
    connector = registry.connect(system, base_dir=loaded.path.parent, environ=environ)
    failures: list[str] = []

    def insert(rows: list[dict[str, str]]) -> int:
        # After a refused batch nothing more goes in; the report says how much did.
        if failures:
            return 0
        try:
            return connector.insert(collection, rows)
        except ConnectorError as exc:
            failures.append(str(exc))
            return 0

    try:
        report = lists.filter_file(
            session=session, keyring=keyring, source=source, out=out, sink=insert
        )
    finally:
        connector.close()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="consent.list.imported",
        object_type="collection",
        object_id=target,
        details={
            "rows": report.rows,
            "imported": report.imported,
            "dropped_as_suppressed": len(report.dropped_lines),
            "failed": bool(failures),
        },
    )
    return report, failures[0] if failures else None
