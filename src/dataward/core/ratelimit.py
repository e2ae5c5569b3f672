"""Rate limits kept in the database, so every worker process and restart shares one count.

A fixed window per key: simple to reason about, and the worst case (twice the limit across a
window's edge) is still a limit. Keys are stored digested: they often hold an IP address or
an email address, which have no business sitting in a table of counters.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import Integer, String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from dataward.core.clock import Clock
from dataward.core.db import Base, UTCDateTime
from dataward.core.errors import TooManyRequests


class RateLimitHit(Base):
    """How many times a key was used in one window."""

    __tablename__ = "rate_limit_hits"

    key_digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


def _digest(key: str) -> str:
    return hashlib.sha256(b"dataward-rate-limit\x00" + key.encode()).hexdigest()


def _window_start(now: datetime, per_seconds: int) -> datetime:
    seconds = int(now.timestamp())
    return datetime.fromtimestamp(seconds - seconds % per_seconds, tz=UTC)


def hit(session: Session, *, key: str, limit: int, per_seconds: int, clock: Clock) -> int:
    """Count one use of `key`; raise TooManyRequests once it passes `limit` in the window.

    Returns the count so far. The count is written in the caller's transaction: a request
    that fails for another reason still counted, unless its transaction is rolled back."""
    digest = _digest(key)
    window = _window_start(clock.now(), per_seconds)
    bumped = session.execute(
        update(RateLimitHit)
        .where(RateLimitHit.key_digest == digest, RateLimitHit.window_start_at == window)
        .values(count=RateLimitHit.count + 1)
    )
    if bumped.rowcount == 0:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
        # Old windows of this key are of no further use.
        session.execute(
            delete(RateLimitHit).where(
                RateLimitHit.key_digest == digest, RateLimitHit.window_start_at < window
            )
        )
        try:
            with session.begin_nested():
                session.add(RateLimitHit(key_digest=digest, window_start_at=window, count=1))
        except IntegrityError:  # another request made the row first: count on it
            session.execute(
                update(RateLimitHit)
                .where(RateLimitHit.key_digest == digest, RateLimitHit.window_start_at == window)
                .values(count=RateLimitHit.count + 1)
            )
    count = session.scalar(
        select(RateLimitHit.count).where(
            RateLimitHit.key_digest == digest, RateLimitHit.window_start_at == window
        )
    )
    used = int(count or 0)
    if used > limit:
        retry = window + timedelta(seconds=per_seconds) - clock.now()
        minutes = max(1, int(retry.total_seconds() // 60) + 1)
        raise TooManyRequests(
            "too many attempts in a short time",
            fix=f"wait {minutes} minute{'s' if minutes != 1 else ''} and try again",
        )
    return used
