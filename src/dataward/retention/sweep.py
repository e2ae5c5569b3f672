"""Retention sweeps: each collection naming a rule, its expired keys in keyset batches, held and
exempt keys dropped, the rest deleted or anonymised through the connector, with evidence.

A sweep spans many units of work on purpose (one per batch step, see collection_sweep.py): it
works in the session it is given and commits only by calling the `checkpoint` its boundary
passes (the command or job passes `session.commit`), so resumability does not depend on where
the engine opens transactions.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.connectors.service import open_connectors
from dataward.core.clock import Clock, today
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime
from dataward.policy.schema import RetentionAction
from dataward.policy.service import LoadedPolicy
from dataward.retention import lease, reviews
from dataward.retention.collection_sweep import CollectionSweeper, PauseHook
from dataward.retention.held import person_held_records
from dataward.retention.models import SweepRun, SweepStatus
from dataward.retention.plan import sweep_targets
from dataward.retention.report import CollectionOutcome, SweepReport

ACTOR = "system:retention"
# Keys per batch: each batch costs two small transactions and an audit event here, and one
# SELECT and one DELETE transaction at the source, so larger batches sweep faster. 25,000 took a
# 1M-row PostgreSQL sweep from 0.44 to 0.52 of a plain batched DELETE's speed (bench/retention.py)
# while a pending batch (its keys, as one text) stays under 200 KB and its evidence row 1.7 MB.
DEFAULT_BATCH = 25_000

__all__ = [
    "ACTOR",
    "DEFAULT_BATCH",
    "CollectionOutcome",
    "PauseHook",
    "SweepReport",
    "dispose_review",
    "run_sweep",
    "sweep",
]


def sweep(*, runtime: Runtime, **options: Any) -> SweepReport:
    """A boundary of its own (tests, benchmarks, the review disposal): one session, committed
    at each of the sweep's checkpoints."""
    with runtime.sessions() as session:
        return run_sweep(session=session, checkpoint=session.commit, clock=runtime.clock, **options)


def run_sweep(
    *,
    session: Session,
    checkpoint: Callable[[], None],
    clock: Clock,
    keyring: Keyring,
    loaded: LoadedPolicy,
    actor: str = ACTOR,
    system: str | None = None,
    collection: str | None = None,
    rule: str | None = None,
    dispose: bool = False,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    environ: Mapping[str, str] = os.environ,
    progress: Callable[[CollectionOutcome], None] | None = None,
    pause: PauseHook | None = None,
) -> SweepReport:
    """Apply every retention rule (or those of one system or collection); a dry run changes
    nothing and reports what would go."""
    targets = sweep_targets(
        loaded.policy,
        today=today(clock),
        system=system,
        collection=collection,
        rule=rule,
        dispose=dispose,
    )
    report = SweepReport(
        run_id=None,
        dry_run=dry_run,
        today=today(clock),
        policy_digest=loaded.digest,
        started_at=clock.now(),
    )
    connectors = open_connectors(
        loaded, environ=environ, systems=sorted({t.system for t in targets})
    )
    # What the process holds when the sweep starts (policy, models, connectors) outlives it:
    # frozen, the collector stops rescanning it each time batches of keys trigger a full
    # collection, which cost a 1M-row sweep a few tenths of a second every few pages. (Any
    # garbage frozen with it is collected as usual once the sweep unfreezes it.)
    gc.freeze()
    try:
        keyring.attach(session)
        person_held = person_held_records(
            session=session,
            keyring=keyring,
            loaded=loaded,
            connectors=connectors,
            unresolved=report.unresolved_holds,
        )
        if not dry_run:
            close_interrupted_runs(session=session, clock=clock, actor=actor)
            run = SweepRun(
                started_at=report.started_at,
                status=SweepStatus.RUNNING,
                policy_path=str(loaded.path),
                policy_digest=report.policy_digest,
                actor=actor,
                system=system,
                collection=collection,
            )
            session.add(run)
            session.flush()
            run.holder = lease.holder_name(run.id)
            report.run_id = run.id
            audit.record(
                session=session,
                clock=clock,
                actor=actor,
                action="retention.sweep.started",
                object_type="retention_sweep_run",
                object_id=str(run.id),
                details={
                    "policy_digest": report.policy_digest,
                    "system": system,
                    "collection": collection,
                    "rule": rule,
                    "dispose": dispose,
                    "today": report.today.isoformat(),
                },
            )
        checkpoint()
        runner = CollectionSweeper(
            session=session,
            checkpoint=checkpoint,
            clock=clock,
            keyring=keyring,
            actor=actor,
            run_id=report.run_id,
            holder=lease.holder_name(report.run_id or "dry-run"),
            batch_size=batch_size,
            pause=pause,
            progress=progress,
        )
        for target in targets:
            report.outcomes.append(
                runner.collection(
                    target,
                    connectors[target.system],
                    person_held.get((target.system, target.collection), {}),
                )
            )
    except BaseException as exc:
        if report.run_id is not None:
            session.rollback()  # the step that failed is discarded; finished ones were kept
            _finish_run(session, clock, report, actor, error=f"{type(exc).__name__}: {exc}")
            checkpoint()
        raise
    finally:
        gc.unfreeze()
        for connector in connectors.values():
            connector.close()
    if report.run_id is not None:
        _finish_run(session, clock, report, actor)
        checkpoint()
    else:
        report.finished_at = clock.now()
    return report


def dispose_review(
    *,
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    task_id: int,
    actor: str,
    note: str,
    environ: Mapping[str, str] = os.environ,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[CollectionOutcome], None] | None = None,
) -> SweepReport:
    """A reviewer decided that what a `review` rule raised goes: delete it in full (every
    collection of that rule in the system, children first, holds respected, with evidence),
    then close the rule's open tasks there."""
    if not note.strip():
        raise UsageError("say what was decided", fix="--note 'no longer relevant to support'")
    with runtime.transaction() as session:
        task = reviews.open_task(session=session, task_id=task_id)
        rule_name, system = task.rule, task.system
    declared = loaded.policy.retention.get(rule_name)
    if declared is None or declared.action != RetentionAction.REVIEW:
        raise UsageError(
            f"rule {rule_name!r} is not a `review` rule in {loaded.path}",
            fix="close the task with a note instead, or check the policy file",
        )
    report = sweep(
        runtime=runtime,
        keyring=keyring,
        loaded=loaded,
        actor=actor,
        system=system,
        rule=rule_name,
        dispose=True,
        batch_size=batch_size,
        environ=environ,
        progress=progress,
    )
    if report.ok:
        gone = sum(o.acted for o in report.outcomes)
        with runtime.transaction() as session:
            for open_one in reviews.open_tasks(session=session, rule=rule_name, system=system):
                reviews.resolve_review(
                    session=session,
                    keyring=keyring,
                    clock=runtime.clock,
                    actor=actor,
                    task_id=open_one.id,
                    resolution=f"{note.strip()} (disposed of: {gone} records, sweep "
                    f"{report.run_id})",
                )
    return report


def close_interrupted_runs(*, session: Session, clock: Clock, actor: str) -> list[int]:
    """Runs whose process died mid-sweep (on this host) are marked interrupted, once."""
    closed = []
    running = select(SweepRun).where(SweepRun.status == SweepStatus.RUNNING)
    for run in session.scalars(running.order_by(SweepRun.id)):
        if run.holder is None or not lease.holder_gone(run.holder):
            continue
        run.status = SweepStatus.INTERRUPTED
        run.finished_at = clock.now()
        run.error = "the sweep's process ended before it finished; later sweeps finish its batches"
        audit.record(
            session=session,
            clock=clock,
            actor=actor,
            action="retention.sweep.interrupted",
            object_type="retention_sweep_run",
            object_id=str(run.id),
            details={"started_at": run.started_at.isoformat()},
        )
        closed.append(run.id)
    session.flush()
    return closed


def _finish_run(
    session: Session, clock: Clock, report: SweepReport, actor: str, error: str | None = None
) -> None:
    report.finished_at = clock.now()
    summary = report.as_dict()
    run = session.get(SweepRun, report.run_id)
    assert run is not None
    run.finished_at = report.finished_at
    run.status = SweepStatus.COMPLETED if report.ok and error is None else SweepStatus.FAILED
    run.summary = summary
    run.error = error
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="retention.sweep.finished",
        object_type="retention_sweep_run",
        object_id=str(run.id),
        details={
            "status": run.status.value,
            "acted": summary["acted"],
            "held": summary["held"],
            "collections": [
                {k: v for k, v in o.items() if k != "error"} for o in summary["collections"]
            ],
            "error": audit.EMAIL_PATTERN.sub("[redacted]", error)[:500] if error else None,
        },
    )
