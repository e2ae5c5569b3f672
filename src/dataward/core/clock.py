"""Time, injectable. Legal dates are calendar dates in Europe/London (RULES.md §0)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved: tests and `DATAWARD_NOW` use it."""

    def __init__(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a fixed clock needs a timezone-aware moment")
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.moment = self.moment + timedelta(**delta)


def london_date(moment: datetime) -> date:
    """The calendar date in the UK at that moment, whatever the hour."""
    return moment.astimezone(LONDON).date()


def today(clock: Clock) -> date:
    return london_date(clock.now())


def clock_from_env() -> Clock:
    """`DATAWARD_NOW=2026-03-01T09:00:00+00:00` freezes time for demos and CLI tests."""
    frozen = os.environ.get("DATAWARD_NOW")
    if not frozen:
        return SystemClock()
    moment = datetime.fromisoformat(frozen)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return FixedClock(moment)
