"""Tables of the cookies domain: each choice a website visitor made on the banner."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dataward.core.db import Base, UTCDateTime


class CookieChoice(Base):
    """A visitor's choice, as the banner recorded it; the latest per visitor is in force.

    The visitor is a random id the banner made in their browser: no IP address, no name, so
    the record proves the choice without being personal data about someone identifiable.
    """

    __tablename__ = "cookie_choices"
    __table_args__ = (Index("ix_cookie_choices_visitor", "visitor_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visitor_id: Mapped[str] = mapped_column(String(64))
    banner_version: Mapped[str] = mapped_column(String(40), index=True)
    website: Mapped[str] = mapped_column(String(300))
    choices: Mapped[dict[str, Any]] = mapped_column(JSON)
    global_privacy_control: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
