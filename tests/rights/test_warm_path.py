"""A worker keeps what it built between jobs: the loaded policy (while its file is unchanged)
and its connectors; and a run commits only through the boundary's callable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.core import jobs
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring, encode_key
from dataward.core.runtime import Runtime
from dataward.domains import job_handlers
from dataward.policy.cache import PolicyCache
from dataward.rights import jobs as rights_jobs
from dataward.rights.context import ConnectorCache
from dataward.rights.execution import run_request
from dataward.rights.models import RequestKind, RequestState, RightsRequest

from .conftest import MakeContext
from .kestrel import Kestrel, verified_request


def _touch_later(path: Path) -> None:
    """A later modification time than the last, however coarse the file system's clock."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_a_policy_is_loaded_once_while_its_file_is_unchanged(kestrel: Kestrel) -> None:
    cache = PolicyCache()
    first = cache.get(kestrel.loaded.path)
    assert cache.get(kestrel.loaded.path) is first
    assert cache.loads == 1


def test_an_edited_policy_is_loaded_afresh(kestrel: Kestrel) -> None:
    cache = PolicyCache()
    path = kestrel.loaded.path
    first = cache.get(path)
    path.write_text(path.read_text().replace("Kestrel", "Kestrel Renamed", 1))
    _touch_later(path)
    second = cache.get(path)
    assert second is not first
    assert cache.loads == 2
    assert second.digest != first.digest
    assert "Kestrel Renamed" in second.policy.organisation.name


def test_a_worker_reuses_the_policy_and_connectors_across_jobs(
    runtime: Runtime,
    db: Session,
    clock: FixedClock,
    kestrel: Kestrel,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policies, connectors = PolicyCache(), ConnectorCache()
    monkeypatch.setattr(rights_jobs, "WORKER_POLICIES", policies)
    monkeypatch.setattr(rights_jobs, "WORKER_CONNECTORS", connectors)
    keyring = Keyring(b"k" * 32, source="test")
    monkeypatch.setenv("DATAWARD_MASTER_KEY", encode_key(b"k" * 32))
    for name, value in kestrel.environ.items():
        monkeypatch.setenv(name, value)
    runtime.settings = type(runtime.settings)(home=runtime.settings.home, environment="test")
    try:
        for _ in range(2):
            verified_request(
                db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ACCESS
            )
            db.commit()
            assert jobs.run_until_idle(runtime, handlers=job_handlers()) >= 1
        opened = dict(connectors._open)
        with runtime.transaction() as session:
            states = session.scalars(select(RightsRequest.state)).all()
    finally:
        connectors.close()
    assert states == [RequestState.AWAITING_REVIEW] * 2
    assert policies.loads == 1
    assert len(opened) == 3  # one per system, shared by both jobs


def test_a_run_commits_only_through_the_boundarys_callable(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ACCESS
    )
    db.commit()
    checkpoints: list[str] = []
    outcome = run_request(
        ctx=make_context(commit=lambda: checkpoints.append(request.state.value)), request=request
    )
    assert outcome.finished
    assert checkpoints == ["in_progress", "awaiting_review"]
    # Nothing was committed behind the boundary's back: rolling back undoes the whole run.
    db.rollback()
    db.expire_all()
    stored = db.get(RightsRequest, request.id)
    assert stored is not None and stored.state == RequestState.IN_PROGRESS
    assert request.tasks == []
