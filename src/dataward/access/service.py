"""The privileged-access register: events arrive, are sealed, chained and checked; never changed.

Every way in (the webhook, an imported log, a polled table, Dataward's own restricted views)
ends in `ingest`, so idempotency, sealing, the audit chain and the rules are one code path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.access.models import AccessEvent, AccessFinding
from dataward.access.rules import Broken, EventFacts, broken_rules
from dataward.access.schemas import AccessEventIn
from dataward.audit import service as audit
from dataward.audit.models import AuditEvent
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import NotFound, UsageError
from dataward.policy.schema import AccessKind, Policy

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


def seal_context(source: str, event_id: str) -> str:
    return f"access-event:{source}:{event_id}"


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def row_digest(keyring: Keyring, row: AccessEvent) -> str:
    """A keyed digest of every stored column but the id: kept in the event's audit entry, it
    shows a row changed in the database (the key is not in the database, so it cannot be
    recomputed there)."""
    fields = {
        "source": row.source,
        "event_id": row.source_event_id,
        "kind": row.kind,
        "client": row.client,
        "device": row.device,
        "started_at": _moment(row.started_at),
        "ended_at": _moment(row.ended_at),
        "attended": row.attended,
        "warning_shown": row.warning_shown,
        "device_in_use": row.device_in_use,
        "reason": row.reason,
        "incident": row.incident,
        "role": row.role,
        "system": row.system,
        "collection": row.collection,
        "sealed": row.sealed,
        "received_at": _moment(row.received_at),
    }
    return keyring.digest(json.dumps(fields, sort_keys=True, separators=(",", ":")))


def facts_of(row: AccessEvent) -> EventFacts:
    return EventFacts(
        kind=row.kind,
        attended=row.attended,
        warning_shown=row.warning_shown,
        device_in_use=row.device_in_use,
        reason=row.reason,
        incident=row.incident,
        role=row.role,
        system=row.system,
        collection=row.collection,
    )


def _new_row(
    *,
    session: Session,
    keyring: Keyring,
    source: str,
    kind: AccessKind,
    item: AccessEventIn,
    note: str | None,
    now: datetime,
) -> AccessEvent:
    named = {
        "engineer": item.engineer,
        "username": item.username,
        "ip_address": item.ip_address,
        "hostname": item.hostname,
        "note": note,
    }
    sealed = keyring.seal_note(
        json.dumps({k: v for k, v in named.items() if v is not None}, sort_keys=True),
        context=seal_context(source, item.event_id),
        session=session,
    )
    return AccessEvent(
        source=source,
        source_event_id=item.event_id,
        kind=kind.value,
        client=item.client,
        device=item.device,
        started_at=item.started_at.astimezone(UTC),
        ended_at=item.ended_at.astimezone(UTC) if item.ended_at else None,
        attended=item.attended,
        warning_shown=item.warning_shown,
        device_in_use=item.device_in_use,
        reason=item.reason,
        incident=item.incident,
        role=item.role,
        system=item.system,
        collection=item.collection,
        sealed=sealed,
        received_at=now,
    )


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
    known = {
        row.source_event_id: row
        for row in session.scalars(
            select(AccessEvent).where(
                AccessEvent.source == source, AccessEvent.source_event_id.in_(set(ids))
            )
        )
    }
    now = clock.now()
    fresh: list[tuple[AccessEvent, list[Broken]]] = []
    for index, item in enumerate(events):
        if item.event_id in known:
            continue
        kind = item.kind or (declared.kind if declared else None)
        if kind is None:
            raise UsageError(
                f"event {item.event_id!r} does not say what kind of access it was",
                fix="send `kind` (e.g. remote_session), or declare the source in "
                "`access_sources:` with its kind",
            )
        note = notes[index] if notes else None
        row = _new_row(
            session=session, keyring=keyring, source=source, kind=kind, item=item, note=note,
            now=now,
        )  # fmt: skip
        known[item.event_id] = row
        fresh.append((row, broken_rules(policy, facts_of(row))))
    heads = audit.record_many(
        session=session,
        clock=clock,
        events=[
            audit.NewEvent(
                actor=actor,
                action=RECORDED,
                object_type="access_event",
                object_id=f"{row.source}:{row.source_event_id}",
                details={
                    "kind": row.kind,
                    "row": row_digest(keyring, row),
                    "findings": [b.rule for b in broken],
                },
            )
            for row, broken in fresh
        ],
    )
    for (row, _), head in zip(fresh, heads, strict=True):
        row.audit_sequence = head.sequence
    session.add_all([row for row, _ in fresh])
    session.flush()
    session.add_all(
        AccessFinding(event_id=row.id, rule=b.rule, message=b.message, raised_at=now)
        for row, broken in fresh
        for b in broken
    )
    session.flush()
    new = {id(row): [b.rule for b in broken] for row, broken in fresh}
    repeated = _findings_of(session, [known[i] for i in ids if id(known[i]) not in new])
    return [
        Ingested(
            event=known[i],
            findings=new.get(id(known[i])) or repeated.get(known[i].id, []),
            repeated=id(known[i]) not in new,
        )
        for i in ids
    ]


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
    return [(f, e) for f, e in session.execute(query).tuples()]


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


def events_between(
    *,
    session: Session,
    start: datetime,
    end: datetime,
    client: str | None = None,
    device: str | None = None,
    batch: int = 5000,
) -> Iterator[AccessEvent]:
    """Events that started in [start, end), for a client and/or a device, in time order, read
    in keyset batches over the (client|device, started_at) index."""
    if client is None and device is None:
        raise UsageError("say whose access to report", fix="give --client or --device (or both)")
    last: tuple[datetime, int] | None = None
    while True:
        query = select(AccessEvent).where(
            AccessEvent.started_at >= start, AccessEvent.started_at < end
        )
        if client is not None:
            query = query.where(AccessEvent.client == client)
        if device is not None:
            query = query.where(AccessEvent.device == device)
        if last is not None:
            query = query.where(
                (AccessEvent.started_at > last[0])
                | ((AccessEvent.started_at == last[0]) & (AccessEvent.id > last[1]))
            )
        rows = list(
            session.scalars(query.order_by(AccessEvent.started_at, AccessEvent.id).limit(batch))
        )
        yield from rows
        if len(rows) < batch:
            return
        last = (rows[-1].started_at, rows[-1].id)


def findings_for(session: Session, rows: Sequence[AccessEvent]) -> dict[int, list[str]]:
    """The open and closed findings of those events, by event id (as messages)."""
    found: dict[int, list[str]] = {}
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 5000):
        query = select(AccessFinding).where(AccessFinding.event_id.in_(ids[start : start + 5000]))
        for finding in session.scalars(query.order_by(AccessFinding.id)):
            found.setdefault(finding.event_id, []).append(finding.message)
    return found


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
    if details.get("row") != row_digest(keyring, row):
        return f"{name} differs from what was recorded (audit event {entry.sequence}): altered"
    return None
