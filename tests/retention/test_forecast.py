"""Forecasts: per rule and month, how many records go, counted by the source systems."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

from dataward.core.clock import FixedClock
from dataward.core.runtime import Runtime
from dataward.retention.chart import forecast_svg
from dataward.retention.forecast import forecast, month_ends

from .scenario import BACKENDS, Deployment, day_of, deploy

TODAY = date(2026, 3, 2)


@pytest.fixture(params=BACKENDS)
def voip(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    with deploy("voip", tmp_path / "systems", request.param) as deployment:
        yield deployment


def expected(dates: list[date], period: relativedelta, months: int) -> tuple[int, list[int]]:
    """Counted the long way: a record goes the day after its period ends."""
    goes = Counter()
    due_now = 0
    labels = [f"{end:%Y-%m}" for end in month_ends(TODAY, months)]
    for trigger in dates:
        first_day_gone = trigger + period + timedelta(days=1)
        if first_day_gone <= TODAY:
            due_now += 1
        else:
            goes[f"{first_day_gone:%Y-%m}"] += 1
    return due_now, [goes[label] for label in labels]


def test_a_forecast_counts_what_each_rule_removes_month_by_month(
    voip: Deployment, runtime: Runtime, clock: FixedClock
) -> None:
    with runtime.transaction() as session:
        result = forecast(
            session=session, loaded=voip.loaded, clock=clock, months=24, environ=voip.environ
        )
    rows = {(r.system, r.collection): r for r in result.rows}

    call_list = rows[("dialler", "call_list")]
    added = [day_of(r["added_on"]) for r in voip.rows("dialler", "call_list")]
    assert (call_list.due_now, call_list.by_month) == expected(
        [d for d in added if d is not None], relativedelta(months=12), 24
    )

    enquiries = rows[("website", "enquiries")]
    not_bought = [
        day_of(r["enquired_on"])
        for r in voip.rows("website", "enquiries")
        if not r["became_customer"]
    ]
    assert (enquiries.due_now, enquiries.by_month) == expected(
        [d for d in not_bought if d is not None], relativedelta(years=2), 24
    )
    assert sum(call_list.by_month) + call_list.due_now > 0
    svg = forecast_svg(result)
    assert svg.startswith("<svg") and "call-list-12-months" in svg


def test_month_windows_start_with_the_rest_of_this_month() -> None:
    assert month_ends(date(2026, 11, 15), 3) == [
        date(2026, 11, 30),
        date(2026, 12, 31),
        date(2027, 1, 31),
    ]


def test_forecast_months_are_bounded(runtime: Runtime, clock: FixedClock, tmp_path: Path) -> None:
    from dataward.core.errors import UsageError
    from dataward.policy.schema import Policy
    from dataward.policy.service import LoadedPolicy

    from .conftest import policy_document

    loaded = LoadedPolicy(policy=Policy.model_validate(policy_document()), path=tmp_path / "p.yaml")
    with runtime.transaction() as session, pytest.raises(UsageError, match="between 1 and 120"):
        forecast(session=session, loaded=loaded, clock=clock, months=0)
