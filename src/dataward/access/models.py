"""Tables of the privileged-access register."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from dataward.core.db import Base, UTCDateTime


class AccessEvent(Base):
    """One privileged access, as its source reported it. Never updated, never deleted.

    What names a person (engineer, username, IP address, hostname, a free-text reason) is in
    `sealed`, encrypted with the note key; the client, the device and the kind stay plain so
    that a report can select by them (schools-06). `row_digest` in the event's audit entry is a
    keyed digest of every column here, so `audit verify` notices a row changed in the database.
    """

    __tablename__ = "access_events"
    __table_args__ = (
        UniqueConstraint("source", "source_event_id"),
        # The report: one client (or one device) over a period, in time order.
        Index("ix_access_events_client_started", "client", "started_at"),
        Index("ix_access_events_device_started", "device", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    source_event_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    client: Mapped[str | None] = mapped_column(String(200))
    device: Mapped[str | None] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attended: Mapped[bool | None] = mapped_column(Boolean)
    warning_shown: Mapped[bool | None] = mapped_column(Boolean)
    device_in_use: Mapped[bool | None] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(100))
    incident: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(100))
    system: Mapped[str | None] = mapped_column(String(200))
    collection: Mapped[str | None] = mapped_column(String(200))
    sealed: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    audit_sequence: Mapped[int | None] = mapped_column(Integer)


class AccessFinding(Base):
    """A rule an event broke; open until staff close it with a (sealed) note."""

    __tablename__ = "access_findings"
    __table_args__ = (
        UniqueConstraint("event_id", "rule"),
        Index("ix_access_findings_open", "closed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("access_events.id"), index=True)
    rule: Mapped[str] = mapped_column(String(50))
    message: Mapped[str] = mapped_column(String(500))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closing_note: Mapped[str | None] = mapped_column(Text)


class AccessCursor(Base):
    """How far a polled source has been read: the last value of its cursor column."""

    __tablename__ = "access_cursors"

    source: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[str] = mapped_column(String(200))
    polled_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AppendOnly(RuntimeError):
    """A bug, not a user error: code tried to change the register."""


def _refuse_change(_mapper: Mapper[Any], _connection: Any, target: AccessEvent) -> None:
    raise AppendOnly(f"access event {target.id} is append-only: it cannot be changed or deleted")


event.listen(AccessEvent, "before_update", _refuse_change)
event.listen(AccessEvent, "before_delete", _refuse_change)
