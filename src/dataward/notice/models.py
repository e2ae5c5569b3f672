"""Tables of the notice domain: the published versions of the privacy notice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Integer, String, Text
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
