"""voip-03: an enquirer who does not become a customer is deleted 2 years after the enquiry."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from retention.scenario import BACKENDS, Deployment, day_of, deploy

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.retention.sweep import sweep

TWO_YEARS_BEFORE_TODAY = date(2024, 3, 2)


@pytest.fixture(params=BACKENDS)
def voip(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    with deploy("voip", tmp_path / "systems", request.param) as deployment:
        yield deployment


def test_voip_03_enquirers_who_did_not_buy_are_deleted_2_years_after_the_enquiry(
    voip: Deployment, runtime: Runtime, clock: FixedClock
) -> None:
    enquiries = voip.rows("website", "enquiries")
    expected_gone = {
        e["id"]
        for e in enquiries
        if not e["became_customer"] and day_of(e["enquired_on"]) < TWO_YEARS_BEFORE_TODAY  # type: ignore[operator]
    }
    by_email = {e["email"]: e["id"] for e in enquiries}
    gareth, aisha = voip.known["gareth"], voip.known["aisha"]
    assert by_email[gareth.email] in expected_gone
    converted_old = [
        e["id"]
        for e in enquiries
        if e["became_customer"] and day_of(e["enquired_on"]) < TWO_YEARS_BEFORE_TODAY  # type: ignore[operator]
    ]
    assert converted_old, "the example has old enquiries from people who did buy"

    report = sweep(
        runtime=runtime,
        keyring=Keyring(secrets.token_bytes(32)),
        loaded=voip.loaded,
        environ=voip.environ,
        system="website",
    )

    assert report.ok
    outcome = report.outcome("website", "enquiries")
    assert (outcome.rule, outcome.acted) == ("enquiries-2-years", len(expected_gone))
    left = voip.ids("website", "enquiries")
    assert left == {e["id"] for e in enquiries} - expected_gone
    assert by_email[aisha.email] in left
    assert set(converted_old) <= left
    # No visit is left pointing at a deleted enquiry.
    assert {v["enquiry_id"] for v in voip.rows("website", "visits")} - {None} <= left
