"""Retention cutoffs: calendar arithmetic on London dates, exact at month ends."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dataward.policy.schema import Period
from dataward.retention.periods import expiry_cutoff, period_end


def test_a_recording_made_on_2_december_is_kept_through_2_march() -> None:
    three_months = Period.parse("3 months")
    assert period_end(date(2025, 12, 2), three_months) == date(2026, 3, 2)
    assert expiry_cutoff(date(2026, 3, 2), three_months) == date(2025, 12, 2)
    assert expiry_cutoff(date(2026, 3, 3), three_months) == date(2025, 12, 3)


def test_a_month_from_31_january_ends_on_the_last_day_of_february() -> None:
    month = Period.parse("1 month")
    assert period_end(date(2026, 1, 31), month) == date(2026, 2, 28)
    assert period_end(date(2028, 1, 31), month) == date(2028, 2, 29)


def test_at_a_month_end_the_cutoff_steps_past_days_whose_period_has_ended() -> None:
    # 28 Feb + 1 month = 28 Mar, so on 31 Mar a record from 28 Feb has gone, though
    # 31 Mar - 1 month = 28 Feb.
    month = Period.parse("1 month")
    assert expiry_cutoff(date(2026, 3, 31), month) == date(2026, 3, 1)


def test_weeks_and_days_count_whole_days() -> None:
    assert expiry_cutoff(date(2026, 3, 2), Period.parse("28 days")) == date(2026, 2, 2)
    assert expiry_cutoff(date(2026, 3, 2), Period.parse("2 weeks")) == date(2026, 2, 16)


def test_a_leap_day_record_kept_a_year_goes_after_28_february() -> None:
    year = Period.parse("1 year")
    assert period_end(date(2028, 2, 29), year) == date(2029, 2, 28)
    assert expiry_cutoff(date(2029, 3, 1), year) == date(2028, 3, 1)


@given(
    trigger=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2045, 12, 31)),
    amount=st.integers(min_value=1, max_value=80),
    unit=st.sampled_from(["day", "week", "month", "year"]),
)
def test_a_record_is_before_the_cutoff_exactly_when_its_period_has_ended(
    trigger: date, today: date, amount: int, unit: str
) -> None:
    period = Period.parse(f"{amount} {unit}")
    cutoff = expiry_cutoff(today, period)
    assert (trigger < cutoff) == (period_end(trigger, period) < today)
    # The cutoff is the first day still kept: the day before it has gone.
    assert period_end(cutoff - timedelta(days=1), period) < today


def test_periods_are_bounded_at_200_years() -> None:
    assert expiry_cutoff(date(2026, 3, 2), Period.parse("200 years")) == date(1826, 3, 2)
    for text in ("201 years", "2401 months", "3000 years", "99999999999 years"):
        try:
            Period.parse(text)
        except ValueError as exc:
            assert "longer than 200 years" in str(exc)
        else:
            raise AssertionError(f"{text} was accepted")


def test_one_period_adder_serves_retention_erasure_and_deadlines() -> None:
    from dataward.policy.expressions import add_period
    from dataward.rights import deadlines, erasure

    assert erasure.add_period is add_period
    month = Period.parse("1 month")
    assert period_end(date(2026, 1, 31), month) == add_period(date(2026, 1, 31), month)
    assert deadlines.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
