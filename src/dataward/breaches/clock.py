"""The 72-hour clock to the regulator: elapsed hours from awareness, never clock hours.

Arithmetic is done on the instant (UTC), so a clock change inside the window (the last Sunday
of March or October) moves the local deadline by an hour instead of stretching the window.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dataward.core.clock import LONDON
from dataward.core.errors import UsageError

WINDOW = timedelta(hours=72)
ALERT_HOURS = (24, 48, 66)

UK_GDPR = "uk_gdpr"
PECR = "pecr"

# Which report and form each regime leads to.
REGIMES: dict[str, str] = {
    UK_GDPR: "UK GDPR Art 33: the ICO's personal data breach report form",
    PECR: "PECR regulation 5A: the ICO's PECR security breach notification form "
    "(72 hours since 20 August 2025)",
}


def deadline(aware_at: datetime) -> datetime:
    """The moment the report is due: 72 elapsed hours after the business became aware."""
    # In UTC: adding hours to a London time would add wall-clock hours across a change.
    return aware_at.astimezone(UTC) + WINDOW


def hours_left(aware_at: datetime, now: datetime) -> float:
    """Hours until the deadline: negative once it has passed."""
    return (deadline(aware_at) - now).total_seconds() / 3600


def alert_at(aware_at: datetime, hours: int) -> datetime:
    return aware_at.astimezone(UTC) + timedelta(hours=hours)


def parse_moment(text: str, *, zone: str | None = None) -> tuple[datetime, str]:
    """A moment typed by staff, and the zone to show it back in.

    `2026-03-29T23:30+01:00` carries its offset; `2026-03-29T23:30` is read in `zone`
    (default Europe/London), so a wall-clock time in the UK means what the person meant.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise UsageError(
            f"{text!r} is not a moment", fix="write YYYY-MM-DDTHH:MM, e.g. 2026-03-29T23:30"
        ) from exc
    name = zone or "Europe/London"
    try:
        tz = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"{name!r} is not a time zone", fix="e.g. Europe/London") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment, name


def local(moment: datetime, zone: str) -> datetime:
    try:
        return moment.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return moment.astimezone(LONDON)
