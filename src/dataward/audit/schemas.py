"""Pydantic shapes of the audit domain's API: events, a page of the log, a verification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from dataward.audit.browse import ChainStatus, LogPage, Verification
from dataward.audit.models import AuditEvent
from dataward.audit.verify import VerifyReport


class EventOut(BaseModel):
    sequence: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str | None
    subject: str | None  # a pseudonym, never an address
    details: dict[str, Any]
    hash: str


class LogPageOut(BaseModel):
    events: list[EventOut]
    # Ask again with `before` set to this for the next, older page; null at the start.
    older: int | None


class ChainProblemOut(BaseModel):
    sequence: int
    kind: str
    detected_by: str
    message: str


class RecordsCheckOut(BaseModel):
    name: str  # "consent ledger", "access register", ...
    checked: int
    problem: str | None


class VerifyOut(BaseModel):
    ok: bool  # the chain and every domain's records
    events_verified: int
    checkpoints_verified: int
    last_sequence: int
    last_checkpoint: int
    unsigned_tail: int
    canonical_bytes: int
    anchored: bool
    witnessed_checkpoints: int
    last_witnessed: int
    problem: ChainProblemOut | None
    records: list[RecordsCheckOut] = []


class ChainStatusOut(BaseModel):
    events: int
    last_checkpoint: int | None
    last_checkpoint_at: datetime | None
    last_verified_at: datetime | None
    last_verified_by: str | None
    last_verified_up_to: int | None


def event_out(event: AuditEvent) -> EventOut:
    return EventOut(
        sequence=event.sequence,
        at=event.at,
        actor=event.actor,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        subject=event.subject,
        details=event.details,
        hash=event.hash,
    )


def page_out(page: LogPage) -> LogPageOut:
    return LogPageOut(events=[event_out(e) for e in page.events], older=page.older)


def verify_out(found: VerifyReport | Verification) -> VerifyOut:
    """The chain's result, and each domain's records when given the whole verification."""
    report = found.chain if isinstance(found, Verification) else found
    records = found.records if isinstance(found, Verification) else []
    problem = report.problem
    return VerifyOut(
        ok=found.ok,
        records=[
            RecordsCheckOut(name=r.name, checked=r.checked, problem=r.problem) for r in records
        ],
        events_verified=report.events,
        checkpoints_verified=report.checkpoints,
        last_sequence=report.last_sequence,
        last_checkpoint=report.last_checkpoint,
        unsigned_tail=report.unsigned_tail,
        canonical_bytes=report.canonical_bytes,
        anchored=report.anchored,
        witnessed_checkpoints=report.witnessed,
        last_witnessed=report.last_witnessed,
        problem=None
        if problem is None
        else ChainProblemOut(
            sequence=problem.sequence,
            kind=problem.kind,
            detected_by=problem.detected_by,
            message=problem.message,
        ),
    )


def status_out(status: ChainStatus) -> ChainStatusOut:
    return ChainStatusOut(
        events=status.events,
        last_checkpoint=status.last_checkpoint,
        last_checkpoint_at=status.last_checkpoint_at,
        last_verified_at=status.last_verified_at,
        last_verified_by=status.last_verified_by,
        last_verified_up_to=status.last_verified_up_to,
    )
