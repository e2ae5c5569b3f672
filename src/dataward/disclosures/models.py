"""Tables of the disclosure register."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataward.core.db import Base, UTCDateTime


class DisclosureStatus(enum.StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REFUSED = "refused"
    RELEASED = "released"


class Disclosure(Base):
    """A third party's request for personal data, from asking to release.

    Who asked, what they asked for and what was released may name people: those are sealed
    notes. The ground is one of a fixed list (see `grounds.py`).
    """

    __tablename__ = "disclosures"
    __table_args__ = (sa.Index("ix_disclosures_status", "status"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20))
    requester_kind: Mapped[str] = mapped_column(sa.String(40))
    requester: Mapped[str] = mapped_column(sa.Text)  # sealed
    ground: Mapped[str] = mapped_column(sa.String(60))
    asked: Mapped[str] = mapped_column(sa.Text)  # sealed
    tickets: Mapped[list[Any]] = mapped_column(sa.JSON)
    person_pseudonym: Mapped[str | None] = mapped_column(sa.ForeignKey("people.pseudonym"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[str] = mapped_column(sa.String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))
    decided_as: Mapped[str | None] = mapped_column(sa.String(200))  # the role that decided
    decision_note: Mapped[str | None] = mapped_column(sa.Text)  # sealed
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[str | None] = mapped_column(sa.String(200))
    released_what: Mapped[str | None] = mapped_column(sa.Text)  # sealed
    package_name: Mapped[str | None] = mapped_column(sa.String(255))
    package_sha256: Mapped[str | None] = mapped_column(sa.String(64))
