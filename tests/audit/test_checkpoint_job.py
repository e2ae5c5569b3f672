"""The checkpoint job record() queues: signs every multiple of checkpoint_every, once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from people.factories import prepare_home
from sqlalchemy import select

from dataward.audit import sealing, service, witness
from dataward.audit.models import AuditCheckpoint
from dataward.audit.verify import verify
from dataward.core import jobs
from dataward.core.clock import FixedClock
from dataward.core.config import Settings
from dataward.core.crypto import create_signing_key_file, public_key_bytes, signing_key_id
from dataward.core.runtime import Runtime
from dataward.domains import job_handlers


def test_the_hundredth_event_gets_the_log_signed_at_each_interval(tmp_path: Path) -> None:
    home = tmp_path / "home"
    prepare_home(home)
    key = create_signing_key_file(home / "signing.key")
    rt = Runtime(
        settings=Settings(home=home, checkpoint_every=40),
        clock=FixedClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
    )
    with rt.transaction() as session:
        for n in range(service.CHECKPOINT_PROBE):
            service.record(
                session=session,
                clock=rt.clock,
                actor="system:test",
                action="test.step",
                object_type="step",
                object_id=str(n),
            )
    handlers = job_handlers()
    assert handlers[service.CHECKPOINT_JOB] is sealing.run_checkpoint_job
    assert jobs.run_until_idle(rt, handlers=handlers) == 1
    with rt.transaction() as session:
        signed = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.sequence))
        # 40 and 80 by the interval job; 101 when the job ended, as every job that appended
        # events (the job logged its key's registration) has its events signed at its end.
        assert [(c.sequence, c.key_id) for c in signed] == [
            (40, signing_key_id(key)),
            (80, signing_key_id(key)),
            (101, signing_key_id(key)),
        ]
        done = session.scalar(select(jobs.Job).where(jobs.Job.kind == service.CHECKPOINT_JOB))
        assert done is not None and done.state == jobs.JobState.DONE
        report = verify(
            session=session,
            pinned_keys={signing_key_id(key): public_key_bytes(key)},
            witness=witness.read_file(home / "audit-witness.jsonl"),
        )
    assert report.ok and report.checkpoints == 3
    assert report.witnessed == 3 and report.unsigned_tail == 0
    rt.engine.dispose()
