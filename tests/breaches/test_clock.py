"""The 72-hour clock counts elapsed hours from awareness, across the clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dataward.breaches.clock import deadline, hours_left, local, parse_moment
from dataward.core.clock import LONDON
from dataward.core.errors import UsageError


def _london(text: str) -> datetime:
    return parse_moment(text)[0]


@pytest.mark.parametrize(
    ("aware", "due_local"),
    [
        # Last Sunday of March 2026: the clocks went forward at 01:00 that morning, so the
        # 72 hours from 23:30 BST end at 23:30 BST on Wednesday.
        ("2026-03-29T23:30", "2026-04-01 23:30 BST"),
        # The night before, 23:30 GMT: the window crosses the change, so 72 elapsed hours end
        # at 00:30 BST, an hour later on the wall clock than 72 clock hours would say.
        ("2026-03-28T23:30", "2026-04-01 00:30 BST"),
        # Last Sunday of October 2026: the clocks went back at 02:00, 23:30 is GMT.
        ("2026-10-25T23:30", "2026-10-28 23:30 GMT"),
        # The night before, 23:30 BST: the window gains an hour, so it ends at 22:30 GMT.
        ("2026-10-24T23:30", "2026-10-27 22:30 GMT"),
    ],
)
def test_the_deadline_is_72_elapsed_hours_in_london(aware: str, due_local: str) -> None:
    moment = _london(aware)
    due = deadline(moment)
    assert due - moment.astimezone(UTC) == timedelta(hours=72)
    assert (due.timestamp() - moment.timestamp()) == 72 * 3600
    assert f"{local(due, 'Europe/London'):%Y-%m-%d %H:%M %Z}" == due_local


def test_a_moment_with_its_own_offset_keeps_it() -> None:
    moment, zone = parse_moment("2026-03-28T23:30+05:30")
    assert zone == "Europe/London"
    assert moment.utcoffset() == timedelta(hours=5, minutes=30)
    assert deadline(moment) == datetime(2026, 3, 31, 18, 0, tzinfo=UTC)


def test_hours_left_run_down_and_go_negative() -> None:
    aware = datetime(2026, 3, 28, 23, 30, tzinfo=LONDON)
    assert hours_left(aware, aware.astimezone(UTC) + timedelta(hours=66)) == pytest.approx(6)
    assert hours_left(aware, aware.astimezone(UTC) + timedelta(hours=80)) == pytest.approx(-8)


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01T10:00", ""])
def test_an_unreadable_moment_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError):
        parse_moment(text)


def test_an_unknown_zone_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="time zone"):
        parse_moment("2026-03-28T23:30", zone="Mars/Olympus")
