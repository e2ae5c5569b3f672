"""Tables of the notice domain: the published versions of the privacy notice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dataward.core.db import Base, UTCDateTime


class NoticeVersion(Base):
    """A published notice: numbered, dated, with what it said and the policy it came from."""

    __tablename__ = "notice_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(200))
    effective_on: Mapped[date] = mapped_column(Date, index=True)
    policy_path: Mapped[str] = mapped_column(String(1000))
    policy_digest: Mapped[str] = mapped_column(String(64), index=True)
    markdown: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    # The structure the text was rendered from: diffs and "is this purpose covered" read it.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class NotificationRun(Base):
    """Telling the affected people about a version's changes before processing starts.

    One run per version; it is finished when every affected address has been sent the change.
    Until then the new purposes of that version stay blocked (the gate reads `finished_at`).
    """

    __tablename__ = "notice_notification_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_number: Mapped[int] = mapped_column(Integer, unique=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by: Mapped[str] = mapped_column(String(200))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    notified: Mapped[int] = mapped_column(Integer, default=0)


class NoticeNotification(Base):
    """One address told about one version: a keyed hash only, so a resumed run skips it."""

    __tablename__ = "notice_notifications"
    __table_args__ = (UniqueConstraint("version_number", "recipient_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_number: Mapped[int] = mapped_column(Integer, index=True)
    recipient_hash: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
