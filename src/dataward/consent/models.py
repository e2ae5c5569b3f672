"""Tables of the consent domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dataward.core.db import Base, UTCDateTime


class SuppressionEntry(Base):
    """An address or number that must never be marketed to again, kept as a keyed hash only.

    The plaintext is never stored, so the list can be kept forever (PECR, S-08) without
    keeping the person's data, and every import is filtered against it.
    """

    __tablename__ = "suppression_entries"
    __table_args__ = (UniqueConstraint("kind", "identifier_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    identifier_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
