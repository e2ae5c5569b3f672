"""Retention forecast: per rule and month, how many records will go (or come up for review)."""

from __future__ import annotations

import calendar
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dataward.connectors.service import open_connectors
from dataward.core.clock import Clock, today
from dataward.core.errors import UsageError
from dataward.policy.service import LoadedPolicy
from dataward.retention.held import collection_hold_ids
from dataward.retention.periods import expiry_cutoff
from dataward.retention.plan import sweep_targets

MAX_MONTHS = 120


@dataclass
class ForecastRow:
    rule: str
    system: str
    collection: str
    action: str
    due_now: int
    by_month: list[int]
    held: bool = False

    def as_dict(self, months: list[str]) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "system": self.system,
            "collection": self.collection,
            "action": self.action,
            "held": self.held,
            "due_now": self.due_now,
            "by_month": dict(zip(months, self.by_month, strict=True)),
        }


@dataclass
class Forecast:
    today: date
    months: list[str]  # "2026-03": the rest of this month, then whole months
    rows: list[ForecastRow] = field(default_factory=list)

    def totals(self) -> list[int]:
        return [sum(r.by_month[i] for r in self.rows) for i in range(len(self.months))]

    def by_rule(self) -> dict[str, list[int]]:
        totals: dict[str, list[int]] = {}
        for row in self.rows:
            counts = totals.setdefault(row.rule, [0] * len(self.months))
            for i, count in enumerate(row.by_month):
                counts[i] += count
        return totals

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "months": self.months,
            "due_now": sum(r.due_now for r in self.rows),
            "totals_by_month": dict(zip(self.months, self.totals(), strict=True)),
            "rows": [r.as_dict(self.months) for r in self.rows],
        }


def month_ends(start: date, months: int) -> list[date]:
    """The last day of each month window: the rest of `start`'s month, then whole months."""
    ends: list[date] = []
    year, month = start.year, start.month
    for _ in range(months):
        ends.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ends


def forecast(
    *,
    session: Session,
    loaded: LoadedPolicy,
    clock: Clock,
    months: int = 12,
    system: str | None = None,
    environ: Mapping[str, str] = os.environ,
) -> Forecast:
    """Count by trigger date: a record goes on the first day its date is before the cutoff."""
    if not 1 <= months <= MAX_MONTHS:
        raise UsageError(f"--months must be between 1 and {MAX_MONTHS}")
    day = today(clock)
    ends = month_ends(day, months)
    result = Forecast(today=day, months=[f"{end:%Y-%m}" for end in ends])
    targets = sweep_targets(loaded.policy, today=day, system=system)
    connectors = open_connectors(
        loaded, environ=environ, systems=sorted({t.system for t in targets})
    )
    try:
        for target in targets:
            period = target.rule.parsed_period
            # Gone on day d when trigger < cutoff(d): in a window when not gone on its first
            # day and gone by its last; `cutoffs[0]` is today's, so its count is due now.
            cutoffs = [target.cutoff, *(expiry_cutoff(end, period) for end in ends)]
            counts = connectors[target.system].count_expiring(target.query, cutoffs)
            result.rows.append(
                ForecastRow(
                    rule=target.rule_name,
                    system=target.system,
                    collection=target.collection,
                    action=target.action.value,
                    due_now=counts[0],
                    by_month=[counts[i + 1] - counts[i] for i in range(months)],
                    held=bool(
                        collection_hold_ids(
                            session=session, system=target.system, collection=target.collection
                        )
                    ),
                )
            )
    finally:
        for connector in connectors.values():
            connector.close()
    return result


__all__ = ["Forecast", "ForecastRow", "forecast", "month_ends"]
