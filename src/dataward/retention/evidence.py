"""Sweep batches and their evidence: pending before the connector acts, done with evidence after.

Each step is its own committed unit, so a sweep killed at any point leaves either no batch,
a pending batch holding its keys (the next sweep finishes it: deleting keys already gone is a
no-op, and the evidence is written once), or a done batch with its audit event.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.connectors.base import Key
from dataward.core.clock import Clock
from dataward.policy.schema import RetentionAction
from dataward.retention.keys import batch_digest, decode_keys, encode_keys, key_digests
from dataward.retention.models import AnonymisedRecord, BatchStatus, SweepBatch, SweepRun


@dataclass(frozen=True)
class OpenBatch:
    """A pending batch as read back for acting on it (detached from any session)."""

    id: int
    run_id: int
    number: int
    system: str
    collection: str
    rule: str
    action: RetentionAction
    cutoff: date
    keys: list[Key]
    digests: list[str]
    # The digests sorted, and their batch digest: worked out once when the batch is opened,
    # since the evidence of a batch the source fully acted on commits to the same.
    ordered: list[str]
    keys_digest: str


def next_number(*, session: Session, run_id: int, system: str, collection: str) -> int:
    last = session.scalar(
        select(func.max(SweepBatch.number)).where(
            SweepBatch.run_id == run_id,
            SweepBatch.system == system,
            SweepBatch.collection == collection,
        )
    )
    return (last or 0) + 1


def open_batch(
    *,
    session: Session,
    clock: Clock,
    run_id: int,
    number: int,
    system: str,
    collection: str,
    rule: str,
    action: RetentionAction,
    cutoff: date,
    keys: Sequence[Key],
    digests: Sequence[str],
) -> OpenBatch:
    ordered = sorted(digests)
    keys_digest = batch_digest(ordered, presorted=True)
    batch = SweepBatch(
        run_id=run_id,
        system=system,
        collection=collection,
        number=number,
        rule=rule,
        action=action.value,
        cutoff_on=cutoff,
        keys=encode_keys(keys),
        keys_digest=keys_digest,
        count=len(keys),
        status=BatchStatus.PENDING,
        created_at=clock.now(),
    )
    session.add(batch)
    session.flush()
    return OpenBatch(
        id=batch.id,
        run_id=run_id,
        number=number,
        system=system,
        collection=collection,
        rule=rule,
        action=action,
        cutoff=cutoff,
        keys=list(keys),
        digests=list(digests),
        ordered=ordered,
        keys_digest=keys_digest,
    )


def pending_batches(*, session: Session, system: str, collection: str) -> list[OpenBatch]:
    """Batches a killed sweep left between deciding and recording, oldest first."""
    rows = session.scalars(
        select(SweepBatch)
        .where(
            SweepBatch.status == BatchStatus.PENDING,
            SweepBatch.system == system,
            SweepBatch.collection == collection,
        )
        .order_by(SweepBatch.id)
    )
    found: list[OpenBatch] = []
    for row in rows:
        keys = decode_keys(row.keys or {"plain": []})
        digests = key_digests(system, collection, keys)
        found.append(
            OpenBatch(
                id=row.id,
                run_id=row.run_id,
                number=row.number,
                system=row.system,
                collection=row.collection,
                rule=row.rule,
                action=RetentionAction(row.action),
                cutoff=row.cutoff_on,
                keys=keys,
                digests=digests,
                ordered=sorted(digests),
                keys_digest=row.keys_digest,
            )
        )
    return found


def record_evidence(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    batch: OpenBatch,
    acted: int,
    blocked: Sequence[Key] = (),
    blocked_reason: str | None = None,
    resumed_by: int | None = None,
    credited: int = 0,
) -> int:
    """The batch's audit event and done-mark.

    The event names the rule, collection, cutoff and count, and commits (`keys_digest`) to the
    batch's key digests, which the batch row keeps: one chained hash covers a thousand keys, so
    the audit log stays small however much is swept, and `verify_batches` checks the two agree.
    Keys the source refused (`blocked`) are named apart: they are still there."""
    verb = "deleted" if batch.action == RetentionAction.DELETE else "anonymised"
    refused = set(blocked)
    if refused:
        done = sorted(d for k, d in zip(batch.keys, batch.digests, strict=True) if k not in refused)
        blocked_digests = sorted(
            d for k, d in zip(batch.keys, batch.digests, strict=True) if k in refused
        )
    else:
        done, blocked_digests = batch.ordered, []
    details: dict[str, object] = {
        "run": batch.run_id,
        "batch": batch.number,
        "rule": batch.rule,
        "system": batch.system,
        "collection": batch.collection,
        "action": batch.action.value,
        "cutoff": batch.cutoff.isoformat(),
        "count": len(done),
        "acted": acted,
        "keys_digest": batch_digest(done, presorted=True) if refused else batch.keys_digest,
    }
    if refused:
        details["blocked"] = len(blocked_digests)
        details["blocked_keys_digest"] = batch_digest(blocked_digests, presorted=True)
        details["blocked_reason"] = audit.EMAIL_PATTERN.sub("[redacted]", blocked_reason or "")[
            :500
        ]
    if resumed_by is not None:
        details["resumed_by_run"] = resumed_by
        # Of `acted`, the rows the interrupted sweep had removed before it was stopped.
        details["acted_before_interruption"] = credited
    event = audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=f"retention.sweep.batch_{verb}",
        object_type="retention_sweep_batch",
        object_id=str(batch.id),
        details=details,
    )
    # One UPDATE: the batch row was written by another session, so nothing here holds it.
    session.execute(
        update(SweepBatch)
        .where(SweepBatch.id == batch.id)
        .values(
            status=BatchStatus.DONE,
            acted=acted,
            keys=None,  # the evidence keeps digests; the keys themselves are not kept
            key_digests="\n".join(done),
            blocked_digests="\n".join(blocked_digests) if blocked_digests else None,
            finished_at=clock.now(),
            audit_event_id=event.sequence,
        )
        .execution_options(synchronize_session=False)
    )
    if batch.action == RetentionAction.ANONYMISE:
        session.add_all(
            AnonymisedRecord(
                system=batch.system,
                collection=batch.collection,
                key_digest=digest,
                rule=batch.rule,
                batch_id=batch.id,
                anonymised_at=clock.now(),
            )
            for digest in set(done)
        )
    session.flush()
    return event.sequence


def record_failure(
    *, session: Session, clock: Clock, actor: str, batch: OpenBatch, error: str
) -> None:
    """The connector refused: nothing was changed there; the next sweep finds the keys again."""
    stored = session.get(SweepBatch, batch.id)
    assert stored is not None, "a pending batch is never deleted"
    stored.status = BatchStatus.FAILED
    stored.error = error
    stored.keys = None
    stored.finished_at = clock.now()
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="retention.sweep.batch_failed",
        object_type="retention_sweep_batch",
        object_id=str(batch.id),
        details={
            "run": batch.run_id,
            "rule": batch.rule,
            "system": batch.system,
            "collection": batch.collection,
            "count": len(batch.keys),
            "keys_digest": batch_digest(batch.digests),
            # The source's message may quote a value; the audit log must not.
            "error": audit.EMAIL_PATTERN.sub("[redacted]", error.splitlines()[0])[:500],
        },
    )


def anonymised_digests(
    *, session: Session, system: str, collection: str, digests: Sequence[str]
) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(digests), 500):
        chunk = list(digests[start : start + 500])
        found.update(
            session.scalars(
                select(AnonymisedRecord.key_digest).where(
                    AnonymisedRecord.system == system,
                    AnonymisedRecord.collection == collection,
                    AnonymisedRecord.key_digest.in_(chunk),
                )
            )
        )
    return found


class ChainedEvent(Protocol):
    """What evidence checks read of an audit event (through the audit service)."""

    sequence: int
    at: datetime
    action: str
    object_id: str | None
    details: dict[str, Any]


@dataclass(frozen=True)
class BatchEvidence:
    batch_id: int
    run_id: int
    number: int
    system: str
    collection: str
    rule: str
    action: str
    cutoff: date
    count: int
    at: datetime | None
    audit_sequence: int | None
    key_digests: list[str]
    blocked_digests: list[str]
    problem: str | None  # None when the batch agrees with its chained audit event


def digest_list(text: str | None) -> list[str]:
    return text.split("\n") if text else []


def batch_evidence(*, session: Session, run_id: int | None = None) -> Iterator[BatchEvidence]:
    """Each finished batch (of one run, or all) checked against its audit event."""
    query = select(SweepBatch).where(SweepBatch.status == BatchStatus.DONE)
    if run_id is not None:
        query = query.where(SweepBatch.run_id == run_id)
    batches = list(session.scalars(query.order_by(SweepBatch.id)))
    wanted = {b.audit_event_id for b in batches}
    chained: dict[int, ChainedEvent] = {
        event.sequence: event
        for event in audit.events(
            session=session, where=audit.EventFilter(action_prefix="retention.sweep")
        )
        if event.sequence in wanted
    }
    for batch in batches:
        digests = digest_list(batch.key_digests)
        blocked = digest_list(batch.blocked_digests)
        event = chained.get(batch.audit_event_id) if batch.audit_event_id is not None else None
        yield BatchEvidence(
            batch_id=batch.id,
            run_id=batch.run_id,
            number=batch.number,
            system=batch.system,
            collection=batch.collection,
            rule=batch.rule,
            action=batch.action,
            cutoff=batch.cutoff_on,
            count=len(digests),
            at=event.at if event is not None else None,
            audit_sequence=batch.audit_event_id,
            key_digests=digests,
            blocked_digests=blocked,
            problem=_disagreement(batch, event, digests, blocked),
        )


def _disagreement(
    batch: SweepBatch, event: ChainedEvent | None, digests: list[str], blocked: list[str]
) -> str | None:
    if event is None:
        return "its audit event is missing"
    details = event.details
    if event.object_id != str(batch.id) or not event.action.startswith("retention.sweep.batch_"):
        return f"audit event {event.sequence} is not this batch's"
    if details.get("keys_digest") != batch_digest(digests) or details.get("count") != len(digests):
        return f"its key digests do not match audit event {event.sequence}"
    if blocked and details.get("blocked_keys_digest") != batch_digest(blocked):
        return f"its refused keys do not match audit event {event.sequence}"
    expected = (batch.rule, batch.system, batch.collection, batch.cutoff_on.isoformat())
    found = (
        details.get("rule"),
        details.get("system"),
        details.get("collection"),
        details.get("cutoff"),
    )
    if expected != found:
        return f"its rule, collection or cutoff differ from audit event {event.sequence}"
    return None


def recent_runs(*, session: Session, limit: int = 20) -> list[SweepRun]:
    return list(session.scalars(select(SweepRun).order_by(SweepRun.id.desc()).limit(limit)))
