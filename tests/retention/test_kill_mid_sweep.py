"""A real sweep, killed with SIGKILL mid-batch, then run again: every expired row goes exactly
once, every batch has its evidence exactly once, and the audit chain still verifies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from dataward.audit.models import AuditEvent
from dataward.audit.verify import verify
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring, decode_key
from dataward.policy.service import load_policy
from dataward.retention import evidence, service
from dataward.retention.keys import key_digest
from dataward.retention.models import BatchStatus, SweepBatch, SweepRun, SweepStatus

from . import source
from .conftest import policy_document
from .support import LAUNCHER, dataward_environment, own_database

EXPIRED, RECENT, BATCH = 2000, 600, 200
HELD = ("bath", 7)


@dataclass
class Setup:
    env: dict[str, str]
    policy: Path
    source_url: str
    database_url: str
    expired: set[tuple[Any, ...]]


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    source_url = f"sqlite:///{tmp_path / 'helpdesk.db'}"
    engine = create_engine(source_url)
    source.create(engine)
    old = datetime(2025, 6, 1, 9, 0)
    rows = [
        {"site": "bath" if n % 2 else "leeds", "number": n, "recorded_at": old + timedelta(hours=n)}
        for n in range(EXPIRED)
    ] + [
        {"site": "york", "number": n, "recorded_at": datetime(2026, 2, 1) + timedelta(minutes=n)}
        for n in range(RECENT)
    ]
    source.load(engine, source.calls, rows)
    engine.dispose()
    policy = tmp_path / "dataward.yaml"
    policy.write_text(yaml.safe_dump(policy_document()), encoding="utf-8")
    with own_database(tmp_path) as url:
        env = {
            **os.environ,
            **dataward_environment(tmp_path / "home", url, "2026-03-02T10:00:00+00:00"),
            "HELPDESK_URL": source_url,
        }
        env.pop("DATAWARD_SWEEP_PAUSE", None)
        expired = {(r["site"], r["number"]) for r in rows[:EXPIRED]}
        yield Setup(env, policy, source_url, url, expired)


def command(setup: Setup, *args: str) -> list[str]:
    return [sys.executable, "-c", LAUNCHER, *args]


def hold(setup: Setup) -> None:
    site, number = HELD
    loaded = load_policy(setup.policy)
    with ours(setup) as session:
        service.hold_record(
            session=session,
            keyring=Keyring(decode_key(setup.env["DATAWARD_MASTER_KEY"], source="test")),
            clock=FixedClock(datetime(2026, 3, 2, 10, tzinfo=UTC)),
            policy=loaded.policy,
            actor="cli:alice",
            system="helpdesk",
            collection="calls",
            key=f"{site},{number}",
            reason="disputed call",
        )
        session.commit()
        session.get_bind().dispose()  # type: ignore[union-attr]


def start_paused(setup: Setup, pause: str) -> subprocess.Popen[str]:
    """A sweep that stops at `pause` (N:stage) and says so on stderr."""
    process = subprocess.Popen(
        command(
            setup,
            "retention",
            "sweep",
            "--policy",
            str(setup.policy),
            "--collection",
            "calls",
            "--batch-size",
            str(BATCH),
            "--json",
        ),
        env={**setup.env, "DATAWARD_SWEEP_PAUSE": pause},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    assert line.startswith("sweep paused at helpdesk/calls"), line + process.stderr.read()
    return process


def sweep_json(setup: Setup) -> dict[str, Any]:
    finished = subprocess.run(
        command(
            setup,
            "retention",
            "sweep",
            "--policy",
            str(setup.policy),
            "--collection",
            "calls",
            "--batch-size",
            str(BATCH),
            "--json",
        ),
        env=setup.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr
    result: dict[str, Any] = json.loads(finished.stdout)
    return result


def kill(process: subprocess.Popen[str]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def remaining(setup: Setup) -> set[tuple[Any, ...]]:
    engine = create_engine(setup.source_url)
    try:
        return source.keys(engine, source.calls)
    finally:
        engine.dispose()


def ours(setup: Setup) -> Session:
    return Session(create_engine(setup.database_url))


def check_complete(setup: Setup) -> None:
    """Expired rows gone (the held one kept), evidence for each exactly once, chain intact."""
    left = remaining(setup)
    assert left & setup.expired == {HELD}
    assert len(left) == RECENT + 1
    with ours(setup) as session:
        events = list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == "retention.sweep.batch_deleted")
            )
        )
        proofs = list(evidence.batch_evidence(session=session))
        assert {p.problem for p in proofs} == {None}
        digests = Counter(d for p in proofs for d in p.key_digests)
        wanted = {key_digest("helpdesk", "calls", k) for k in setup.expired - {HELD}}
        assert set(digests) == wanted
        assert max(digests.values()) == 1, "a key has evidence twice"
        assert sum(e.details["count"] for e in events) == EXPIRED - 1
        batches = list(session.scalars(select(SweepBatch)))
        assert {b.status for b in batches} == {BatchStatus.DONE}
        assert all(b.keys is None for b in batches)
        assert len({b.audit_event_id for b in batches}) == len(events) == len(proofs)
        report = verify(session=session)
        assert report.ok, report.problem
        session.get_bind().dispose()  # type: ignore[union-attr]


def check_totals(setup: Setup, report: dict[str, Any], gone_before: int, stage: str) -> None:
    """What the runs and batches say was deleted is what really went: a batch killed after its
    DELETE is credited, on resume, with the rows it removed (not `count 200, acted 0`)."""
    recorded = 0 if stage == "done" else BATCH  # the batch the killed sweep left pending
    credited = BATCH if stage == "acted" else 0
    assert report["acted"] == EXPIRED - 1 - gone_before + credited
    with ours(setup) as session:
        batches = list(session.scalars(select(SweepBatch).order_by(SweepBatch.id)))
        for batch in batches:
            assert batch.acted == len(evidence.digest_list(batch.key_digests)), batch.number
        assert sum(b.acted or 0 for b in batches) == EXPIRED - 1
        resumed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "retention.sweep.batch_deleted")
        ).all()
        finishing = [e.details for e in resumed if "resumed_by_run" in e.details]
        session.get_bind().dispose()  # type: ignore[union-attr]
    assert [(d["count"], d["acted"], d["acted_before_interruption"]) for d in finishing] == (
        [] if not recorded else [(BATCH, BATCH, credited)]
    )


@pytest.mark.slow
@pytest.mark.parametrize("stage", ["pending", "acted", "done"])
def test_a_sweep_killed_mid_batch_finishes_on_the_next_run_exactly_once(
    setup: Setup, stage: str
) -> None:
    hold(setup)
    process = start_paused(setup, f"3:{stage}")
    kill(process)
    gone_before = len(setup.expired - remaining(setup))
    # Two batches finished (the first less the held call); the third was recorded, and acted
    # on unless the sweep was killed before that.
    assert gone_before == (2 if stage == "pending" else 3) * BATCH - 1
    with ours(setup) as session:
        statuses = Counter(b.status for b in session.scalars(select(SweepBatch)))
        session.get_bind().dispose()  # type: ignore[union-attr]
    if stage == "done":
        assert statuses == {BatchStatus.DONE: 3}
    else:
        assert statuses == {BatchStatus.DONE: 2, BatchStatus.PENDING: 1}

    report = sweep_json(setup)
    calls = report["collections"][0]
    assert calls["resumed_batches"] == (0 if stage == "done" else 1)
    assert calls["held"] == 1
    check_complete(setup)
    check_totals(setup, report, gone_before, stage)
    with ours(setup) as session:
        runs = [r.status for r in session.scalars(select(SweepRun).order_by(SweepRun.id))]
        session.get_bind().dispose()  # type: ignore[union-attr]
    assert runs == [SweepStatus.INTERRUPTED, SweepStatus.COMPLETED]


@pytest.mark.slow
def test_a_second_sweep_leaves_a_collection_to_the_sweep_working_on_it(setup: Setup) -> None:
    first = start_paused(setup, "2:done")
    second = sweep_json(setup)
    assert second["collections"][0]["status"] == "busy"
    assert second["acted"] == 0
    kill(first)
    # The first sweep's process is gone, so its lease is void at once on this host.
    third = sweep_json(setup)
    assert third["collections"][0]["status"] == "done"
    assert third["acted"] == EXPIRED - 2 * BATCH
    left = remaining(setup)
    assert not left & setup.expired
