"""Tables of the breach register: breaches, their decisions, the alerts sent, the people told."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataward.core.db import Base, UTCDateTime


class Breach(Base):
    """A personal data breach, reported or not (every breach is recorded: Art 33(5)).

    The facts, consequences and measures are staff free text that may name people: sealed.
    `regime` is fixed when the breach is opened: UK GDPR Art 33, or PECR reg 5A for a
    telecoms provider (the policy's `telecoms_provider`).
    """

    __tablename__ = "breaches"
    __table_args__ = (sa.Index("ix_breaches_status", "status"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20))  # open, closed
    regime: Mapped[str] = mapped_column(sa.String(20))
    aware_at: Mapped[datetime] = mapped_column(UTCDateTime)
    aware_zone: Mapped[str] = mapped_column(sa.String(64))  # as given: shown back in it
    summary: Mapped[str] = mapped_column(sa.Text)  # sealed
    facts: Mapped[str] = mapped_column(sa.Text)  # sealed
    consequences: Mapped[str | None] = mapped_column(sa.Text)  # sealed
    measures: Mapped[str | None] = mapped_column(sa.Text)  # sealed
    categories: Mapped[list[Any]] = mapped_column(sa.JSON)
    people_count: Mapped[int | None] = mapped_column(sa.Integer)
    records_count: Mapped[int | None] = mapped_column(sa.Integer)
    systems: Mapped[list[Any]] = mapped_column(sa.JSON)
    activities: Mapped[list[Any]] = mapped_column(sa.JSON)
    policy_path: Mapped[str | None] = mapped_column(sa.Text)  # whose DPO the alerts go to
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[str] = mapped_column(sa.String(200))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BreachDecision(Base):
    """One decision with its reasons: report or not, tell the people or not, a phase sent."""

    __tablename__ = "breach_decisions"
    __table_args__ = (sa.Index("ix_breach_decisions_breach", "breach_id"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    breach_id: Mapped[int] = mapped_column(sa.ForeignKey("breaches.id"))
    kind: Mapped[str] = mapped_column(sa.String(30))
    ground: Mapped[str | None] = mapped_column(sa.String(40))
    reasons: Mapped[str] = mapped_column(sa.Text)  # sealed
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    late_reasons: Mapped[str | None] = mapped_column(sa.Text)  # sealed
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[str] = mapped_column(sa.String(200))
    # The audit event that recorded it: the row is compared with that event when shown, so a
    # decision rewritten in the table is caught (and an event rewritten, by `audit verify`).
    audit_sequence: Mapped[int | None] = mapped_column(sa.Integer)


class BreachAlert(Base):
    """An alert sent to the DPO at 24, 48 or 66 hours: each is sent once."""

    __tablename__ = "breach_alerts"
    __table_args__ = (sa.UniqueConstraint("breach_id", "hours"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    breach_id: Mapped[int] = mapped_column(sa.ForeignKey("breaches.id"))
    hours: Mapped[int] = mapped_column(sa.Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class BreachPerson(Base):
    """A person the breach affects, found over the systems; told when `notified_at` is set."""

    __tablename__ = "breach_people"
    __table_args__ = (sa.UniqueConstraint("breach_id", "person_pseudonym"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    breach_id: Mapped[int] = mapped_column(sa.ForeignKey("breaches.id"))
    person_pseudonym: Mapped[str] = mapped_column(sa.ForeignKey("people.pseudonym"))
    records: Mapped[int] = mapped_column(sa.Integer)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
