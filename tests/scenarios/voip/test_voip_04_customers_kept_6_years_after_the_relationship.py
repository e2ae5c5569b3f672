"""voip-04: a customer's data is kept for the relationship and 6 years after it ends: then the
customer and their related records go, and not a day before."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from retention.scenario import BACKENDS, Deployment, day_of, deploy

from dataward.core.clock import LONDON, FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.retention.sweep import sweep


@pytest.fixture(params=BACKENDS)
def voip(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    with deploy("voip", tmp_path / "systems", request.param) as deployment:
        yield deployment


def related(voip: Deployment, customer_id: int) -> dict[str, set[int]]:
    return {
        table: {r["id"] for r in voip.rows("crm", table) if r["customer_id"] == customer_id}
        for table in ("services", "complaints")
    }


def test_voip_04_customer_records_go_6_years_after_the_relationship_ends_not_before(
    voip: Deployment, runtime: Runtime, clock: FixedClock
) -> None:
    customers = {c["email"]: c for c in voip.rows("crm", "customers")}
    daniel = customers[voip.known["daniel"].email]
    helen = customers[voip.known["helen"].email]
    helen_related = related(voip, helen["id"])
    assert helen_related["services"], "Helen had services"
    assert related(voip, daniel["id"])["services"], "Daniel had services"
    keyring = Keyring(secrets.token_bytes(32))

    def sweep_crm() -> None:
        report = sweep(
            runtime=runtime,
            keyring=keyring,
            loaded=voip.loaded,
            environ=voip.environ,
            system="crm",
        )
        assert report.ok, [o.error for o in report.outcomes]

    sweep_crm()
    ids = voip.ids("crm", "customers")
    assert daniel["id"] not in ids and helen["id"] in ids
    assert related(voip, daniel["id"]) == {"services": set(), "complaints": set()}
    assert related(voip, helen["id"]) == helen_related

    # The last day of the six years: Helen's records are still kept.
    last_day = day_of(helen["relationship_ended_on"]) + relativedelta(years=6)  # type: ignore[operator]
    clock.moment = datetime.combine(last_day, time(23, 30), tzinfo=LONDON).astimezone(UTC)
    sweep_crm()
    assert helen["id"] in voip.ids("crm", "customers")
    assert related(voip, helen["id"]) == helen_related

    # The day after, they go: customer, services and complaints.
    clock.advance(hours=1)
    sweep_crm()
    assert helen["id"] not in voip.ids("crm", "customers")
    assert related(voip, helen["id"]) == {"services": set(), "complaints": set()}
