"""What an event is to the chain: its fields, its canonical bytes, its hash, the next one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol

from dataward.audit.canonical import chain_hash, fields_bytes
from dataward.audit.models import GENESIS_HASH, AuditEvent


class ChainLink(Protocol):
    """What links an event into the chain: a stored row of any shape has these."""

    @property
    def sequence(self) -> int: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


class EventRecord(Protocol):
    """An event as stored: an AuditEvent, or a plain row of its columns (verify reads those)."""

    @property
    def sequence(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def object_type(self) -> str: ...
    @property
    def object_id(self) -> str | None: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def details(self) -> dict[str, Any]: ...
    @property
    def prev_hash(self) -> str: ...
    @property
    def hash(self) -> str: ...


EVENT_COLUMNS = (
    AuditEvent.sequence,
    AuditEvent.at,
    AuditEvent.actor,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.subject,
    AuditEvent.details,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


def event_fields(event: EventRecord) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "at": event.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "subject": event.subject,
        "details": event.details,
    }


def event_bytes(event: EventRecord) -> bytes:
    return fields_bytes(
        sequence=event.sequence,
        at=event.at,
        actor=event.actor,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        subject=event.subject,
        details=event.details,
    )


def expected_hash(event: EventRecord) -> str:
    return chain_hash(event.prev_hash, event_bytes(event))


class ChainEnd(Protocol):
    """What the next event needs of the one before: an AuditEvent or a ChainHead."""

    @property
    def sequence(self) -> int: ...

    @property
    def hash(self) -> str: ...


class ChainHead(NamedTuple):
    sequence: int
    hash: str


def next_event(
    last: ChainEnd | None,
    *,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None = None,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event that follows `last` (None: the first), hashed and not yet saved."""
    event = AuditEvent(
        sequence=1 if last is None else last.sequence + 1,
        at=at.astimezone(UTC),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        subject=subject,
        details=details or {},
        prev_hash=GENESIS_HASH if last is None else last.hash,
    )
    event.hash = expected_hash(event)
    return event
