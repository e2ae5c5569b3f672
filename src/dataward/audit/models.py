"""Tables of the audit domain: the hash-chained event log and its signed checkpoints."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from dataward.audit.canonical import canonical
from dataward.core.db import Base, UTCDateTime

GENESIS_HASH = "0" * 64


class CanonicalJSON(TypeDecorator[Any]):
    """JSON stored as its canonical text (sorted keys, no spaces), the bytes the hash covers:
    verify can then hash the stored text as it is, without parsing and re-encoding it."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], str | None]:
        def process(value: Any) -> str | None:
            return None if value is None else canonical(value).decode("utf-8")

        return process


class AuditEvent(Base):
    """One event. `hash` = SHA-256(prev_hash ‖ canonical JSON of the other fields)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_action", "action"),
        Index("ix_audit_events_subject", "subject"),
        Index("ix_audit_events_at", "at"),
    )

    # Assigned by record(), never by the database: the chain needs it gap-free, and the
    # primary key makes a second writer holding a stale head fail instead of forking.
    sequence: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(200))
    object_type: Mapped[str] = mapped_column(String(100))
    object_id: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(CanonicalJSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class SigningKey(Base):
    """A checkpoint-signing public key, kept so old checkpoints verify after a key change."""

    __tablename__ = "audit_signing_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditCheckpoint(Base):
    """A signature over (sequence, hash): the chain up to there cannot be rewritten unseen."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(ForeignKey("audit_signing_keys.key_id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
