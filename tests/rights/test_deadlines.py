"""The rights-request clock against RULES.md §0–1 and the ICO's own examples."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataward.policy.schema import Nation
from dataward.rights.bank_holidays import LAST_YEAR, from_library
from dataward.rights.deadlines import (
    Pause,
    add_months,
    bank_holiday,
    days_left,
    due_date,
    explain_due_date,
    extension_allowed,
    extension_deadline,
    is_working_day,
    pause_days,
    roll,
    start_date,
)

# Years past the shipped snapshot of bank holidays (2041-2060 below) come from the library,
# whose loading takes longer than hypothesis allows one example: it is loaded here, once.
from_library(Nation.ENGLAND_AND_WALES, LAST_YEAR + 1)

EW = Nation.ENGLAND_AND_WALES
SCOTLAND = Nation.SCOTLAND
NI = Nation.NORTHERN_IRELAND


# add_months


def test_add_months_keeps_the_day_number() -> None:
    assert add_months(date(2026, 3, 2), 1) == date(2026, 4, 2)


def test_add_months_clamps_31_january_to_28_february() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)


def test_add_months_clamps_31_january_to_29_february_in_a_leap_year() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_add_months_clamps_to_30_day_months_and_crosses_years() -> None:
    assert add_months(date(2025, 3, 31), 1) == date(2025, 4, 30)
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_add_months_from_29_february_lands_on_29_march() -> None:
    assert add_months(date(2024, 2, 29), 1) == date(2024, 3, 29)


# roll


def test_roll_leaves_a_working_day_alone() -> None:
    assert roll(date(2026, 3, 4), EW) == date(2026, 3, 4)


def test_roll_moves_a_saturday_to_monday() -> None:
    assert roll(date(2026, 3, 7), EW) == date(2026, 3, 9)


def test_roll_moves_a_bank_holiday_monday_to_tuesday() -> None:
    # Easter Monday 2026 in England and Wales.
    assert roll(date(2026, 4, 6), EW) == date(2026, 4, 7)


def test_roll_skips_good_friday_and_the_whole_easter_weekend() -> None:
    assert roll(date(2026, 4, 3), EW) == date(2026, 4, 7)


def test_easter_monday_is_not_a_scottish_bank_holiday() -> None:
    assert roll(date(2026, 4, 6), SCOTLAND) == date(2026, 4, 6)


def test_2_january_is_a_bank_holiday_in_scotland_only() -> None:
    assert bank_holiday(date(2025, 1, 2), SCOTLAND) is not None
    assert bank_holiday(date(2025, 1, 2), EW) is None
    assert roll(date(2025, 1, 2), SCOTLAND) == date(2025, 1, 3)
    assert roll(date(2025, 1, 2), EW) == date(2025, 1, 2)


def test_st_andrews_day_rolls_in_scotland_only() -> None:
    # 30 November 2026 is a Monday.
    assert roll(date(2026, 11, 30), SCOTLAND) == date(2026, 12, 1)
    assert roll(date(2026, 11, 30), EW) == date(2026, 11, 30)


def test_st_patricks_day_rolls_in_northern_ireland_only() -> None:
    # 17 March 2026 is a Tuesday.
    assert roll(date(2026, 3, 17), NI) == date(2026, 3, 18)
    assert roll(date(2026, 3, 17), EW) == date(2026, 3, 17)
    assert roll(date(2026, 3, 17), SCOTLAND) == date(2026, 3, 17)


def test_the_twelfth_and_its_substitute_roll_in_northern_ireland() -> None:
    # 12 July 2026 is a Sunday, so Monday the 13th is the substitute bank holiday.
    assert roll(date(2026, 7, 12), NI) == date(2026, 7, 14)
    assert roll(date(2026, 7, 12), EW) == date(2026, 7, 13)


def test_substitute_days_for_a_christmas_on_a_weekend_are_skipped() -> None:
    # Christmas 2021 fell on Saturday: 27 and 28 December were the bank holidays.
    assert roll(date(2021, 12, 25), EW) == date(2021, 12, 29)


def test_a_nation_can_be_given_by_its_policy_name() -> None:
    assert roll(date(2025, 1, 2), "scotland") == date(2025, 1, 3)  # type: ignore[arg-type]  # str from YAML


# due_date: the ICO's examples


def test_ico_received_on_new_years_day_is_due_1_february() -> None:
    # 1 February 2024 is a Thursday and 1 February 2027 a Monday: no rolling needed.
    assert due_date(date(2024, 1, 1), EW) == date(2024, 2, 1)
    assert due_date(date(2027, 1, 1), EW) == date(2027, 2, 1)


def test_ico_received_25_november_2024_is_due_friday_27_december() -> None:
    assert due_date(date(2024, 11, 25), EW) == date(2024, 12, 27)


def test_ico_received_31_january_is_due_28_february() -> None:
    # 28 February 2023 is a Tuesday.
    assert due_date(date(2023, 1, 31), EW) == date(2023, 2, 28)


def test_ico_received_31_january_in_a_leap_year_is_due_29_february() -> None:
    # 29 February 2024 is a Thursday.
    assert due_date(date(2024, 1, 31), EW) == date(2024, 2, 29)


def test_ico_received_31_january_rolls_when_28_february_is_a_weekend() -> None:
    # 28 February 2026 is a Saturday.
    assert due_date(date(2026, 1, 31), EW) == date(2026, 3, 2)


def test_received_on_a_weekend_still_counts_from_that_day() -> None:
    # Saturday 7 March 2026: day one is the day of receipt, working day or not.
    assert due_date(date(2026, 3, 7), EW) == date(2026, 4, 7)


def test_scottish_due_date_skips_2_january() -> None:
    # Received 2 December 2024; 2 January 2025 is a Thursday and a Scottish bank holiday.
    assert due_date(date(2024, 12, 2), SCOTLAND) == date(2025, 1, 3)
    assert due_date(date(2024, 12, 2), EW) == date(2025, 1, 2)


def test_scottish_due_date_skips_st_andrews_day() -> None:
    assert due_date(date(2026, 10, 30), SCOTLAND) == date(2026, 12, 1)
    assert due_date(date(2026, 10, 30), EW) == date(2026, 11, 30)


def test_northern_irish_due_date_skips_st_patricks_day() -> None:
    assert due_date(date(2026, 2, 17), NI) == date(2026, 3, 18)
    assert due_date(date(2026, 2, 17), EW) == date(2026, 3, 17)


def test_northern_irish_due_date_skips_the_twelfth() -> None:
    # 12 July 2027 is a Monday.
    assert due_date(date(2027, 6, 12), NI) == date(2027, 7, 13)
    assert due_date(date(2027, 6, 12), EW) == date(2027, 7, 12)


def test_paused_days_are_added_before_rolling() -> None:
    # 2 April 2026 + 3 days = Sunday 5 April; Easter Monday 6 April; due Tuesday 7 April.
    assert due_date(date(2026, 3, 2), EW, paused_days=3) == date(2026, 4, 7)


def test_extension_gives_three_months_from_the_start() -> None:
    assert due_date(date(2026, 3, 2), EW, extended=True) == date(2026, 6, 2)


def test_extension_keeps_paused_days_and_rolls() -> None:
    # 2 June + 4 days = Saturday 6 June 2026 → Monday 8 June.
    assert due_date(date(2026, 3, 2), EW, paused_days=4, extended=True) == date(2026, 6, 8)


def test_explained_due_date_lists_the_days_skipped() -> None:
    working = explain_due_date(date(2024, 11, 25), EW)
    assert working.one_month_on == date(2024, 12, 25)
    assert working.rolled_from == date(2024, 12, 25)
    assert [s.on for s in working.skipped] == [date(2024, 12, 25), date(2024, 12, 26)]
    assert working.skipped[0].why == "Christmas Day"
    assert working.due_on == date(2024, 12, 27)


def test_negative_paused_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        due_date(date(2026, 3, 2), EW, paused_days=-1)


# start_date


def test_start_is_receipt_when_nothing_else_was_asked_for() -> None:
    assert start_date(date(2026, 3, 2)) == date(2026, 3, 2)


def test_start_is_the_latest_of_receipt_identity_authority_and_fee() -> None:
    assert start_date(
        date(2026, 3, 2),
        identity_on=date(2026, 3, 9),
        authority_on=date(2026, 3, 5),
        fee_on=date(2026, 3, 11),
    ) == date(2026, 3, 11)
    assert start_date(date(2026, 3, 2), identity_on=date(2026, 3, 9)) == date(2026, 3, 9)


def test_identity_moves_the_start_and_so_the_due_date() -> None:
    received = date(2026, 1, 5)
    start = start_date(received, identity_on=date(2026, 1, 12))
    assert due_date(start, EW) == date(2026, 2, 12)


# pause_days


def test_a_pause_counts_asking_and_answering_days_both() -> None:
    assert pause_days([Pause(date(2026, 3, 10), date(2026, 3, 12))]) == 3


def test_a_pause_answered_the_same_day_counts_one_day() -> None:
    assert pause_days([Pause(date(2026, 3, 10), date(2026, 3, 10))]) == 1


def test_a_pause_across_a_month_end_counts_every_day() -> None:
    assert pause_days([Pause(date(2026, 1, 30), date(2026, 2, 2))]) == 4
    assert pause_days([Pause(date(2024, 2, 28), date(2024, 3, 1))]) == 3


def test_overlapping_pauses_are_not_counted_twice() -> None:
    pauses = [
        Pause(date(2026, 3, 10), date(2026, 3, 15)),
        Pause(date(2026, 3, 13), date(2026, 3, 20)),
        Pause(date(2026, 3, 14), date(2026, 3, 16)),
    ]
    assert pause_days(pauses) == 11


def test_separate_pauses_add_up() -> None:
    pauses = [
        Pause(date(2026, 3, 20), date(2026, 3, 21)),
        Pause(date(2026, 3, 10), date(2026, 3, 12)),
    ]
    assert pause_days(pauses) == 5


def test_adjacent_pauses_count_the_shared_boundary_once() -> None:
    pauses = [
        Pause(date(2026, 3, 10), date(2026, 3, 12)),
        Pause(date(2026, 3, 12), date(2026, 3, 14)),
    ]
    assert pause_days(pauses) == 5


def test_an_open_pause_counts_up_to_today() -> None:
    assert pause_days([Pause(date(2026, 2, 27))], today=date(2026, 3, 2)) == 4


def test_an_open_pause_without_today_is_an_error() -> None:
    with pytest.raises(ValueError, match="today"):
        pause_days([Pause(date(2026, 2, 27))])


def test_an_answer_before_the_question_is_an_error() -> None:
    with pytest.raises(ValueError, match="before it was asked"):
        pause_days([Pause(date(2026, 3, 10), date(2026, 3, 9))])


def test_pause_days_before_the_start_do_not_count() -> None:
    # Clarification asked 2–6 March while identity was awaited; identity came on the 5th.
    pauses = [Pause(date(2026, 3, 2), date(2026, 3, 6))]
    assert pause_days(pauses, not_before=date(2026, 3, 5)) == 2
    assert pause_days(pauses, not_before=date(2026, 3, 9)) == 0


def test_a_pause_moves_the_due_date_across_a_month_end() -> None:
    start = date(2026, 1, 5)
    days = pause_days([Pause(date(2026, 1, 29), date(2026, 2, 3))])
    assert days == 6
    # 5 February + 6 days = Wednesday 11 February.
    assert due_date(start, EW, paused_days=days) == date(2026, 2, 11)


# extension


def test_extension_told_well_before_the_one_month_point_is_allowed() -> None:
    assert extension_allowed(date(2026, 3, 2), date(2026, 3, 20))


def test_extension_told_on_the_one_month_date_is_in_time() -> None:
    assert extension_deadline(date(2026, 3, 2)) == date(2026, 4, 2)
    assert extension_allowed(date(2026, 3, 2), date(2026, 4, 2))


def test_extension_told_the_day_after_the_one_month_point_is_late() -> None:
    assert not extension_allowed(date(2026, 3, 2), date(2026, 4, 3))


def test_extension_point_is_not_rolled_to_a_working_day() -> None:
    # One month from 7 February 2026 is Saturday 7 March; the due date rolls to Monday 9 March,
    # but telling the person on that Monday is too late for an extension.
    start = date(2026, 2, 7)
    assert due_date(start, EW) == date(2026, 3, 9)
    assert extension_allowed(start, date(2026, 3, 7))
    assert not extension_allowed(start, date(2026, 3, 9))


def test_extension_point_clamps_at_the_month_end() -> None:
    assert extension_deadline(date(2025, 1, 31)) == date(2025, 2, 28)
    assert not extension_allowed(date(2025, 1, 31), date(2025, 3, 1))


# days_left


def test_days_left_is_zero_on_the_due_date_and_negative_after() -> None:
    due = date(2026, 4, 2)
    assert days_left(due, date(2026, 3, 30)) == 3
    assert days_left(due, due) == 0
    assert days_left(due, date(2026, 4, 5)) == -3


# properties

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))
nations = st.sampled_from(list(Nation))


@given(start=dates, nation=nations, paused=st.integers(0, 200), extended=st.booleans())
def test_due_date_is_at_least_28_days_after_the_start(
    start: date, nation: Nation, paused: int, extended: bool
) -> None:
    assert due_date(start, nation, paused, extended) >= start + timedelta(days=28 + paused)


@given(start=dates, nation=nations, paused=st.integers(0, 200), extended=st.booleans())
def test_due_date_is_a_working_day_of_the_nation(
    start: date, nation: Nation, paused: int, extended: bool
) -> None:
    due = due_date(start, nation, paused, extended)
    assert is_working_day(due, nation)
    assert due.weekday() < 5


@given(start=dates, nation=nations, paused=st.integers(0, 200), more=st.integers(0, 60))
def test_due_date_never_moves_earlier_with_more_paused_days(
    start: date, nation: Nation, paused: int, more: int
) -> None:
    assert due_date(start, nation, paused + more) >= due_date(start, nation, paused)


@given(start=dates, nation=nations)
def test_extended_due_date_is_never_before_the_original(start: date, nation: Nation) -> None:
    assert due_date(start, nation, extended=True) > due_date(start, nation)


@given(start=dates, nation=nations)
def test_due_date_is_within_a_week_or_so_of_the_unrolled_point(start: date, nation: Nation) -> None:
    # The longest run of non-working days in the UK is Christmas plus a weekend: under a week.
    unrolled = add_months(start, 1)
    assert unrolled <= due_date(start, nation) <= unrolled + timedelta(days=6)


@given(
    spans=st.lists(
        st.tuples(dates, st.integers(0, 40)).map(lambda t: Pause(t[0], t[0] + timedelta(t[1]))),
        max_size=6,
    )
)
def test_pause_days_equal_the_number_of_distinct_days_covered(spans: list[Pause]) -> None:
    covered: set[date] = set()
    for pause in spans:
        assert pause.answered_on is not None
        covered.update(
            pause.asked_on + timedelta(days=i)
            for i in range((pause.answered_on - pause.asked_on).days + 1)
        )
    assert pause_days(spans) == len(covered)
