"""Retention periods as calendar arithmetic on Europe/London dates (RULES.md §0)."""

from __future__ import annotations

from datetime import date, timedelta

from dataward.policy.expressions import add_period
from dataward.policy.schema import Period


def period_end(trigger: date, period: Period) -> date:
    """The last day the record is kept: the period counts from its trigger date."""
    return add_period(trigger, period)


def expiry_cutoff(today: date, period: Period) -> date:
    """The earliest trigger date still kept on `today`.

    A record expires once its period has ended, i.e. `period_end(trigger) < today`; the cutoff is
    the smallest trigger for which that is false, so `trigger < cutoff` selects exactly the
    expired rows. Subtracting months is not the inverse of adding them at month ends (31 Mar - 1
    month = 28 Feb, but 28 Feb + 1 month = 28 Mar), hence the step forward.
    """
    cutoff: date = today - period.delta()
    while period_end(cutoff, period) < today:
        cutoff += timedelta(days=1)
    return cutoff
