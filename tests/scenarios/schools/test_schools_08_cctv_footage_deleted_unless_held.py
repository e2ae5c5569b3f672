"""schools-08: CCTV footage is deleted after its retention period (30 days), unless it is held
for a specific incident."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from retention.scenario import Deployment, day_of, deploy

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.retention import service
from dataward.retention.sweep import sweep

THIRTY_DAYS_BEFORE_TODAY = date(2026, 1, 31)


@pytest.fixture
def schools(tmp_path: Path) -> Iterator[Deployment]:
    with deploy("schools", tmp_path / "systems", "sqlite") as deployment:
        yield deployment


def test_schools_08_cctv_footage_goes_after_30_days_unless_held_for_an_incident(
    schools: Deployment, runtime: Runtime, clock: FixedClock
) -> None:
    footage = schools.rows("cctv", "footage")
    folder = schools.folder("cctv")
    old = [f for f in footage if day_of(f["recorded_at"]) < THIRTY_DAYS_BEFORE_TODAY]  # type: ignore[operator]
    assert old and len(old) < len(footage)
    incident = old[-1]
    keyring = Keyring(secrets.token_bytes(32))
    with runtime.transaction() as session:
        hold = service.hold_record(
            session=session,
            keyring=keyring,
            clock=clock,
            policy=schools.loaded.policy,
            actor="cli:office-manager",
            system="cctv",
            collection="footage",
            key=str(incident["id"]),
            reason="incident 2026/2: van damaged in the car park; police reference requested",
        )

    report = sweep(
        runtime=runtime,
        keyring=keyring,
        loaded=schools.loaded,
        environ=schools.environ,
        system="cctv",
    )

    outcome = report.outcome("cctv", "footage")
    assert (outcome.rule, outcome.acted, outcome.held) == ("cctv-30-days", len(old) - 1, 1)
    assert outcome.hold_ids == {hold.id}
    kept = {f["id"] for f in footage} - {f["id"] for f in old} | {incident["id"]}
    assert schools.ids("cctv", "footage") == kept
    for clip in footage:
        assert (folder / clip["clip_file"]).is_file() == (clip["id"] in kept), clip["clip_file"]
