"""The rights-request clock (RULES.md §0 and §1), as pure functions of dates.

Day one is the day of receipt itself: the ICO has counted that way since 2019, where older tools
count from the next day. Only a pause for clarification (Art 12A) stops the clock; waiting for
identity evidence moves the start instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dataward.policy.expressions import Period, add_period
from dataward.policy.schema import Nation
from dataward.rights.bank_holidays import bank_holidays

ONE_MONTH = 1
# The original month plus up to two further months (Art 12(3)).
EXTENDED_MONTHS = 3


@dataclass(frozen=True)
class Pause:
    """A clarification asked on `asked_on` and answered on `answered_on` (None: still awaited)."""

    asked_on: date
    answered_on: date | None = None


@dataclass(frozen=True)
class Skipped:
    """A day the deadline rolled past, and why."""

    on: date
    why: str


@dataclass(frozen=True)
class DueDateWorking:
    """How a due date was reached, for `rights deadline --json` and for letters."""

    start_on: date
    nation: Nation
    one_month_on: date
    paused_days: int
    extended: bool
    rolled_from: date
    due_on: date
    skipped: list[Skipped] = field(default_factory=list)


def add_months(d: date, n: int) -> date:
    """The same day-number n months on, or that month's last day when it has no such day."""
    return add_period(d, Period(amount=n, unit="month"))


def bank_holiday(d: date, nation: Nation) -> str | None:
    """The name of the bank holiday on that date in that nation, or None."""
    return bank_holidays(Nation(nation), d.year).get(d)


def non_working_reason(d: date, nation: Nation) -> str | None:
    """Why that date is not a working day in that nation, or None when it is one."""
    if d.weekday() == 5:
        return "Saturday"
    if d.weekday() == 6:
        return "Sunday"
    return bank_holiday(d, nation)


def is_working_day(d: date, nation: Nation) -> bool:
    return non_working_reason(d, nation) is None


def _roll_explained(d: date, nation: Nation) -> tuple[date, list[Skipped]]:
    skipped: list[Skipped] = []
    while (why := non_working_reason(d, nation)) is not None:
        skipped.append(Skipped(on=d, why=why))
        d += timedelta(days=1)
    return d, skipped


def roll(d: date, nation: Nation) -> date:
    """That date, or the next working day when it is a weekend or a bank holiday of the nation."""
    return _roll_explained(d, nation)[0]


def explain_due_date(
    start: date, nation: Nation, paused_days: int = 0, extended: bool = False
) -> DueDateWorking:
    """`roll(add_months(start, 1 or 3) + paused_days)`, with each step kept."""
    if paused_days < 0:
        raise ValueError(f"paused days cannot be negative (got {paused_days})")
    nation = Nation(nation)
    months = EXTENDED_MONTHS if extended else ONE_MONTH
    unrolled = add_months(start, months) + timedelta(days=paused_days)
    due, skipped = _roll_explained(unrolled, nation)
    return DueDateWorking(
        start_on=start,
        nation=nation,
        one_month_on=add_months(start, ONE_MONTH),
        paused_days=paused_days,
        extended=extended,
        rolled_from=unrolled,
        due_on=due,
        skipped=skipped,
    )


def due_date(start: date, nation: Nation, paused_days: int = 0, extended: bool = False) -> date:
    """The last day to answer: the deadline is the end of that day."""
    return explain_due_date(start, nation, paused_days, extended).due_on


def start_date(
    received_on: date,
    identity_on: date | None = None,
    authority_on: date | None = None,
    fee_on: date | None = None,
) -> date:
    """The latest of receipt, identity evidence, third-party authority and fee (where asked)."""
    return max(d for d in (received_on, identity_on, authority_on, fee_on) if d is not None)


def pause_days(
    pauses: Iterable[Pause], *, today: date | None = None, not_before: date | None = None
) -> int:
    """Days on which the clock stood still: asking to answer, both inclusive, counted once.

    An unanswered pause counts up to `today`. Days before `not_before` (the start, when identity
    moved it) are left out: the clock was not running then, so they cannot be given back twice.
    """
    spans: list[tuple[date, date]] = []
    for pause in pauses:
        end = pause.answered_on
        if end is None:
            if today is None:
                raise ValueError("an unanswered pause counts up to today: pass `today`")
            end = today
        elif end < pause.asked_on:
            raise ValueError(
                f"a clarification cannot be answered ({end}) before it was asked ({pause.asked_on})"
            )
        begin = pause.asked_on if not_before is None else max(pause.asked_on, not_before)
        if begin <= end:
            spans.append((begin, end))
    total = 0
    covered_to: date | None = None
    for begin, end in sorted(spans):
        if covered_to is not None and begin <= covered_to:
            begin = covered_to + timedelta(days=1)
        if begin <= end:
            total += (end - begin).days + 1
        covered_to = end if covered_to is None else max(covered_to, end)
    return total


def extension_deadline(start: date) -> date:
    """The last day on which the person can be told of an extension.

    RULES.md: told "before the original (unrolled) one-month point". A deadline is the end of
    its day (RULES.md §0) and the ICO asks that the person be told "within one month", so
    telling them on the one-month date itself is in time; the day after is late. The point is
    neither rolled to a working day nor moved by pauses: the stricter reading.
    """
    return add_months(start, ONE_MONTH)


def extension_allowed(start: date, told_on: date) -> bool:
    """Whether telling the person on that date allows the two-month extension."""
    return told_on <= extension_deadline(start)


def days_left(due: date, today: date) -> int:
    """Whole days until the due date: 0 on the day itself, negative once overdue."""
    return (due - today).days
