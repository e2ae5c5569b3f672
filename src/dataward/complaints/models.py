"""Tables of the complaint register."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataward.core.db import Base, UTCDateTime


class Complaint(Base):
    """A complaint about the business's use of personal data, stored against the person.

    The text and the account reference are sealed under the person's own data key, so
    forgetting the person makes them unreadable too.
    """

    __tablename__ = "complaints"
    __table_args__ = (sa.Index("ix_complaints_status", "status"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20))  # open, acknowledged, closed
    channel: Mapped[str] = mapped_column(sa.String(20))  # web, phone, letter, email
    person_pseudonym: Mapped[str] = mapped_column(sa.ForeignKey("people.pseudonym"))
    account_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    text_ct: Mapped[bytes] = mapped_column(sa.LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_on: Mapped[date] = mapped_column(sa.Date)
    opened_by: Mapped[str] = mapped_column(sa.String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerted_on: Mapped[date | None] = mapped_column(sa.Date)
    outcome_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ComplaintUpdate(Base):
    """An update told to the complainant while the complaint is investigated."""

    __tablename__ = "complaint_updates"
    __table_args__ = (sa.Index("ix_complaint_updates_complaint", "complaint_id"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"))
    text_ct: Mapped[bytes] = mapped_column(sa.LargeBinary)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    written_by: Mapped[str] = mapped_column(sa.String(200))
