"""The privileged-access register: events arrive, are sealed, chained and checked; never changed.

Every way in (the webhook, an imported log, a polled table, Dataward's own restricted views)
ends in `ingest`, so idempotency, sealing, the audit chain and the rules are one code path.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from dataward.access import store
from dataward.access.models import AccessEvent, AccessFinding
from dataward.access.rules import Broken, EventFacts, broken_rules
from dataward.access.schemas import AccessEventIn
from dataward.audit import service as audit
from dataward.audit.evidence import RecordsCheck
from dataward.audit.models import AuditEvent
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import NotFound, UsageError
from dataward.policy.schema import Policy

RECORDED = "access.event.recorded"
FINDING_RAISED = "access.finding.raised"
FINDING_CLOSED = "access.finding.closed"
# The sealed part of an event: whatever names a person.
SEALED_FIELDS = ("engineer", "username", "ip_address", "hostname", "note")


@dataclass(frozen=True)
class Ingested:
    event: AccessEvent
    findings: list[str]
    repeated: bool


seal_context = store.seal_context


def facts_of(row: AccessEvent) -> EventFacts:
    return store.facts(store.columns_of(row))


def ingest(
    *,
    session: Session,
    clock: Clock,
    keyring: Keyring,
    policy: Policy,
    source: str,
    events: Sequence[AccessEventIn],
    actor: str,
    notes: Sequence[str | None] | None = None,
) -> list[Ingested]:
    """Record the events not seen before from this source; a repeat returns the first one.

    The rows, their audit entries (one executemany for the batch) and their findings are
    written in the caller's transaction. `notes` (sealed with each event) carry the reason
    staff gave for a restricted view.
    """
    keyring.attach(session)
    declared = next((s for s in policy.access_sources if s.name == source), None)
    ids = [item.event_id for item in events]
    known: dict[str, AccessEvent] = {
        row.source_event_id: row
        for row in session.scalars(
            select(AccessEvent).where(
                AccessEvent.source == source,
                store.among(session, AccessEvent.source_event_id, sorted(set(ids))),
            )
        )
    }
    now = clock.now()
    fresh: dict[str, tuple[dict[str, Any], list[Broken]]] = {}
    for index, item in enumerate(events):
        if item.event_id in known or item.event_id in fresh:
            continue
        kind = item.kind or (declared.kind if declared else None)
        if kind is None:
            raise UsageError(
                f"event {item.event_id!r} does not say what kind of access it was",
                fix="send `kind` (e.g. remote_session), or declare the source in "
                "`access_sources:` with its kind",
            )
        values = store.new_row(
            session=session, keyring=keyring, source=source, kind=kind, item=item,
            note=notes[index] if notes else None, now=now,
        )  # fmt: skip
        fresh[item.event_id] = (values, broken_rules(policy, store.facts(values)))
    heads = audit.record_many(
        session=session,
        clock=clock,
        events=[
            audit.NewEvent(
                actor=actor,
                action=RECORDED,
                object_type="access_event",
                object_id=f"{source}:{event_id}",
                details={
                    "kind": values["kind"],
                    "row": store.row_digest(keyring, values),
                    "findings": [b.rule for b in broken],
                },
            )
            for event_id, (values, broken) in fresh.items()
        ],
    )
    for (values, _), head in zip(fresh.values(), heads, strict=True):
        values["audit_sequence"] = head.sequence
    written = store.write_rows(session, source, [values for values, _ in fresh.values()])
    known.update((row.source_event_id, row) for row in written)
    findings = [
        {"event_id": row.id, "rule": b.rule, "message": b.message, "raised_at": now}
        for row in written
        for b in fresh[row.source_event_id][1]
    ]
    if findings:
        session.execute(insert(AccessFinding), findings)
    repeated = _findings_of(session, [known[i] for i in set(ids) if i not in fresh])
    answered: list[Ingested] = []
    first_seen: set[str] = set()
    for i in ids:
        new = i in fresh and i not in first_seen
        first_seen.add(i)
        rules = [b.rule for b in fresh[i][1]] if i in fresh else repeated.get(known[i].id, [])
        answered.append(Ingested(event=known[i], findings=rules, repeated=not new))
    return answered


def _findings_of(session: Session, rows: Sequence[AccessEvent]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if rows:
        for finding in session.scalars(
            select(AccessFinding).where(AccessFinding.event_id.in_({r.id for r in rows}))
        ):
            found.setdefault(finding.event_id, []).append(finding.rule)
    return found


def unsealed(keyring: Keyring, row: AccessEvent) -> dict[str, str]:
    """Who and from where: the sealed part of an event, for a report or the console."""
    opened = keyring.open_note(row.sealed, context=seal_context(row.source, row.source_event_id))
    named: dict[str, str] = json.loads(opened)
    return named


def recheck(*, session: Session, clock: Clock, policy: Policy, since: datetime, actor: str) -> int:
    """Check the events that started since `since` against today's rules (the daily job);
    a finding already raised for an event is not raised twice. Returns how many were new."""
    raised = 0
    after = 0
    while True:
        rows = list(
            session.scalars(
                select(AccessEvent)
                .where(AccessEvent.started_at >= since, AccessEvent.id > after)
                .order_by(AccessEvent.id)
                .limit(1000)
            )
        )
        if not rows:
            return raised
        after = rows[-1].id
        existing = {
            (f.event_id, f.rule)
            for f in session.scalars(
                select(AccessFinding).where(AccessFinding.event_id.in_([r.id for r in rows]))
            )
        }
        now = clock.now()
        new = [
            AccessFinding(event_id=row.id, rule=b.rule, message=b.message, raised_at=now)
            for row in rows
            for b in broken_rules(policy, facts_of(row))
            if (row.id, b.rule) not in existing
        ]
        session.add_all(new)
        session.flush()
        audit.record_many(
            session=session,
            clock=clock,
            events=[
                audit.NewEvent(
                    actor=actor,
                    action=FINDING_RAISED,
                    object_type="access_finding",
                    object_id=str(f.id),
                    details={"event": f.event_id, "rule": f.rule},
                )
                for f in new
            ],
        )
        raised += len(new)


def open_findings(*, session: Session, limit: int = 200) -> list[tuple[AccessFinding, AccessEvent]]:
    query = (
        select(AccessFinding, AccessEvent)
        .join(AccessEvent, AccessEvent.id == AccessFinding.event_id)
        .where(AccessFinding.closed_at.is_(None))
        .order_by(AccessFinding.id.desc())
        .limit(limit)
    )
    return [(f, e) for f, e in session.execute(query)]


def count_open_findings(*, session: Session) -> int:
    query = select(func.count()).select_from(AccessFinding).where(AccessFinding.closed_at.is_(None))
    return session.scalar(query) or 0


def close_finding(
    *,
    session: Session,
    clock: Clock,
    keyring: Keyring,
    finding_id: int,
    note: str,
    actor: str,
) -> AccessFinding:
    finding = session.get(AccessFinding, finding_id)
    if finding is None:
        raise NotFound(f"no access finding {finding_id}", fix="see `dataward access findings`")
    if finding.closed_at is not None:
        raise UsageError(f"access finding {finding_id} is already closed")
    finding.closed_at = clock.now()
    finding.closing_note = keyring.seal_note(
        note, context=f"access-finding:{finding_id}", session=session
    )
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=FINDING_CLOSED,
        object_type="access_finding",
        object_id=str(finding_id),
        details={"note": keyring.digest(note)},
    )
    return finding


def verify_register(*, session: Session, keyring: Keyring) -> str | None:
    """The first register row that does not match its audit entry, or None when all do."""
    keyring.attach(session)
    after, rows_seen = 0, 0
    while True:
        rows = list(
            session.scalars(
                select(AccessEvent)
                .where(AccessEvent.id > after)
                .order_by(AccessEvent.id)
                .limit(2000)
            )
        )
        if not rows:
            break
        after = rows[-1].id
        rows_seen += len(rows)
        entries = {
            e.sequence: e
            for e in session.scalars(
                select(AuditEvent).where(
                    AuditEvent.sequence.in_([r.audit_sequence for r in rows if r.audit_sequence])
                )
            )
        }
        for row in rows:
            problem = _row_problem(keyring, row, entries.get(row.audit_sequence or 0))
            if problem:
                return problem
    recorded = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == RECORDED)
    )
    if recorded != rows_seen:
        return (
            f"the audit log records {recorded} access events but the register holds "
            f"{rows_seen}: rows were removed from or added to the register"
        )
    return None


def _row_problem(keyring: Keyring, row: AccessEvent, entry: AuditEvent | None) -> str | None:
    name = f"access event {row.id} ({row.source}:{row.source_event_id})"
    expected_id = f"{row.source}:{row.source_event_id}"
    if entry is None or entry.action != RECORDED or entry.object_id != expected_id:
        return f"{name} has no audit entry of its own: it was inserted or its link was changed"
    details: dict[str, Any] = entry.details or {}
    if details.get("row") != store.row_digest(keyring, store.columns_of(row)):
        return f"{name} differs from what was recorded (audit event {entry.sequence}): altered"
    return None


def register_evidence(*, session: Session, keyring: Keyring) -> RecordsCheck:
    """`dataward audit verify`'s check of the register: every row against its audit entry."""
    problem = verify_register(session=session, keyring=keyring)
    checked = session.scalar(select(func.count()).select_from(AccessEvent)) or 0
    return RecordsCheck("access register", checked, problem)
