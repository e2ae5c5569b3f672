"""The daily sweep: one queued job fans out into a job per system, each of which sweeps it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, select

from dataward.core import jobs
from dataward.core.crypto import create_master_key_file
from dataward.core.runtime import Runtime
from dataward.domains import job_handlers
from dataward.retention.jobs import SWEEP_JOB, run_due_sweeps
from dataward.retention.models import SweepRun

from . import source
from .conftest import policy_document
from .test_sweep import seed


@pytest.fixture
def policy(tmp_path: Path, runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Path:
    engine = create_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    source.create(engine)
    seed(engine)
    engine.dispose()
    monkeypatch.setenv("HELPDESK_URL", f"sqlite:///{tmp_path / 'helpdesk.db'}")
    create_master_key_file(runtime.settings.resolved_master_key_file)
    path = tmp_path / "dataward.yaml"
    path.write_text(yaml.safe_dump(policy_document()), encoding="utf-8")
    return path


def _jobs(runtime: Runtime) -> list[jobs.Job]:
    with runtime.transaction() as session:
        return list(session.scalars(select(jobs.Job).order_by(jobs.Job.id)))


def test_the_daily_sweep_fans_out_per_system_and_sweeps_each(
    runtime: Runtime, policy: Path, tmp_path: Path
) -> None:
    with runtime.transaction() as session:
        jobs.enqueue(
            session=session, clock=runtime.clock, kind=SWEEP_JOB, payload={"policy": str(policy)}
        )
    assert jobs.run_until_idle(runtime, handlers=job_handlers()) == 2
    queued = _jobs(runtime)
    assert [j.payload.get("system") for j in queued] == [None, "helpdesk"]
    assert {j.state for j in queued} == {jobs.JobState.DONE}
    engine = create_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    assert source.keys(engine, source.calls) == {("leeds", 1), ("leeds", 2)}
    engine.dispose()
    with runtime.transaction() as session:
        runs = list(session.scalars(select(SweepRun)))
    assert [(r.system, r.actor, r.status) for r in runs] == [
        ("helpdesk", "system:retention", "completed")
    ]


def test_the_schedule_reuses_the_policy_of_the_last_sweep_and_queues_each_system_once_a_day(
    runtime: Runtime, policy: Path
) -> None:
    first = run_due_sweeps(runtime=runtime, policy=policy)
    assert jobs.run_until_idle(runtime, handlers=job_handlers()) == 1
    # The schedule's own job names no policy: the one last swept with is used.
    with runtime.transaction() as session:
        jobs.enqueue(session=session, clock=runtime.clock, kind=SWEEP_JOB, payload={})
    jobs.run_until_idle(runtime, handlers=job_handlers())
    assert [j.id for j in run_due_sweeps(runtime=runtime)] == [j.id for j in first]
    assert len([j for j in _jobs(runtime) if j.payload.get("system")]) == 1


def test_without_a_known_policy_the_daily_sweep_fails_saying_how_to_give_one(
    runtime: Runtime,
) -> None:
    with runtime.transaction() as session:
        job = jobs.enqueue(
            session=session, clock=runtime.clock, kind=SWEEP_JOB, payload={}, max_attempts=1
        )
    jobs.run_until_idle(runtime, handlers=job_handlers())
    (stored,) = [j for j in _jobs(runtime) if j.id == job.id]
    assert stored.state == jobs.JobState.FAILED
    assert "does not know which policy file" in (stored.last_error or "")
