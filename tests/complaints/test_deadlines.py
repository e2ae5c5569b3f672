"""s.164A: alert on received + 29 days; report on received + 30 days rolled to a working day."""

from __future__ import annotations

from datetime import date

import pytest

from dataward.complaints.deadlines import acknowledgement_due
from dataward.policy.schema import Nation

EW, SCOTLAND = Nation.ENGLAND_AND_WALES, Nation.SCOTLAND


@pytest.mark.parametrize(
    ("received", "nation", "alert_on", "report_on"),
    [
        # +30 is Christmas Day (Fri); Boxing Day falls on Saturday, so Monday 28th is its
        # substitute: the first working day is Tuesday 29 December.
        (date(2026, 11, 25), EW, date(2026, 12, 24), date(2026, 12, 29)),
        # +30 is Saturday 2 January 2027: Monday 4th in England; in Scotland the 4th is the
        # substitute for 2 January, so Tuesday 5th.
        (date(2026, 12, 3), EW, date(2027, 1, 1), date(2027, 1, 4)),
        (date(2026, 12, 3), SCOTLAND, date(2027, 1, 1), date(2027, 1, 5)),
        # +30 is Good Friday 2027; Easter Monday is a bank holiday in England, not Scotland.
        (date(2027, 2, 24), EW, date(2027, 3, 25), date(2027, 3, 30)),
        (date(2027, 2, 24), SCOTLAND, date(2027, 3, 25), date(2027, 3, 29)),
        # +30 is Sunday 19 July: the next working day, Monday 20th.
        (date(2026, 6, 19), EW, date(2026, 7, 18), date(2026, 7, 20)),
    ],
)
def test_both_countings(received: date, nation: Nation, alert_on: date, report_on: date) -> None:
    due = acknowledgement_due(received, nation)
    assert (due.alert_on, due.report_on) == (alert_on, report_on)
    assert not due.late(report_on) and due.late(date.fromordinal(report_on.toordinal() + 1))
