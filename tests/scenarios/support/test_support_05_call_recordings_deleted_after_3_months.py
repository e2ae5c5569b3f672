"""support-05: call recordings are kept 3 months, then deleted automatically (the file and its
index entry); a recording held for a legal claim stays, and the sweep says so."""

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

THREE_MONTHS_BEFORE_TODAY = date(2025, 12, 2)  # today is 2026-03-02


@pytest.fixture
def support(tmp_path: Path) -> Iterator[Deployment]:
    with deploy("support", tmp_path / "systems", "sqlite") as deployment:
        yield deployment


def test_support_05_call_recordings_deleted_after_3_months_unless_held(
    support: Deployment, runtime: Runtime, clock: FixedClock
) -> None:
    calls = support.rows("recordings", "calls")
    folder = support.folder("recordings")
    old = [c for c in calls if day_of(c["recorded_at"]) < THREE_MONTHS_BEFORE_TODAY]  # type: ignore[operator]
    recent = [c for c in calls if c not in old]
    assert old and recent, "the example has recordings on both sides of the 3-month line"
    assert all((folder / c["audio_file"]).is_file() for c in calls)
    disputed = old[0]
    keyring = Keyring(secrets.token_bytes(32))
    with runtime.transaction() as session:
        hold = service.hold_record(
            session=session,
            keyring=keyring,
            clock=clock,
            policy=support.loaded.policy,
            actor="cli:office-manager",
            system="recordings",
            collection="calls",
            key=str(disputed["id"]),
            reason="customer disputes what was agreed on this call: claim 2026/3",
        )

    report = sweep(
        runtime=runtime,
        keyring=keyring,
        loaded=support.loaded,
        environ=support.environ,
        system="recordings",
    )

    outcome = report.outcome("recordings", "calls")
    assert outcome.rule == "calls-3-months"
    assert (outcome.acted, outcome.held, outcome.hold_ids) == (len(old) - 1, 1, {hold.id})
    left = support.ids("recordings", "calls")
    assert left == {c["id"] for c in recent} | {disputed["id"]}
    for call in old:
        kept = call["id"] == disputed["id"]
        assert (folder / call["audio_file"]).is_file() == kept, call["audio_file"]
    assert all((folder / c["audio_file"]).is_file() for c in recent)

    # A month later the recordings made in early December have passed 3 months too.
    clock.advance(days=31)
    later = sweep(
        runtime=runtime,
        keyring=keyring,
        loaded=support.loaded,
        environ=support.environ,
        system="recordings",
    )
    gone_later = {
        c["id"]
        for c in recent
        if day_of(c["recorded_at"]) < date(2026, 1, 2)  # type: ignore[operator]
    }
    assert later.outcome("recordings", "calls").acted == len(gone_later)
    assert support.ids("recordings", "calls") == ({c["id"] for c in recent} - gone_later) | {
        disputed["id"]
    }
