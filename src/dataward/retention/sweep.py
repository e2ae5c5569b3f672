"""Retention sweeps: each collection naming a rule, its expired keys in keyset batches, held and
exempt keys dropped, the rest deleted or anonymised through the connector, with evidence.

A sweep spans many transactions on purpose: each batch is recorded as pending, acted on, and
recorded as done with its audit event, each step committed, so a sweep killed at any point
resumes without acting twice or losing evidence (see evidence.py).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dataward.audit import service as audit
from dataward.connectors.base import Connector, Key
from dataward.connectors.traversal import open_connectors
from dataward.core.clock import today
from dataward.core.crypto import Keyring
from dataward.core.errors import ConnectorError
from dataward.core.runtime import Runtime
from dataward.policy.schema import RetentionAction
from dataward.policy.service import LoadedPolicy
from dataward.retention import evidence, lease
from dataward.retention.holds import collection_hold_ids, person_held_records, record_hold_ids
from dataward.retention.keys import key_digest
from dataward.retention.models import SweepRun, SweepStatus
from dataward.retention.plan import Target, row_matches, sweep_targets
from dataward.retention.reviews import raise_review

ACTOR = "system:retention"
DEFAULT_BATCH = 1000

# Called at "pending" (batch recorded, connector not yet asked), "acted" (connector done,
# evidence not yet written) and "done"; tests use it to kill a sweep at each point.
PauseHook = Callable[[str, int, Target], None]


@dataclass
class CollectionOutcome:
    system: str
    collection: str
    rule: str
    action: str
    cutoff: date
    status: str = "done"  # done | held | busy | failed
    found: int = 0
    acted: int = 0
    held: int = 0
    exempt: int = 0
    already_anonymised: int = 0
    batches: int = 0
    resumed_batches: int = 0
    resumed_rows: int = 0
    hold_ids: set[int] = field(default_factory=set)
    exemptions: dict[str, int] = field(default_factory=dict)
    to_review: int = 0
    review_task: int | None = None
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "collection": self.collection,
            "rule": self.rule,
            "action": self.action,
            "cutoff": self.cutoff.isoformat(),
            "status": self.status,
            "found": self.found,
            "acted": self.acted,
            "held": self.held,
            "hold_ids": sorted(self.hold_ids),
            "exempt": self.exempt,
            "exemptions": dict(self.exemptions),
            "already_anonymised": self.already_anonymised,
            "batches": self.batches,
            "resumed_batches": self.resumed_batches,
            "resumed_rows": self.resumed_rows,
            "to_review": self.to_review,
            "review_task": self.review_task,
            "error": self.error,
        }


@dataclass
class SweepReport:
    run_id: int | None
    dry_run: bool
    today: date
    policy_digest: str
    started_at: datetime
    finished_at: datetime | None = None
    outcomes: list[CollectionOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.status != "failed" for o in self.outcomes)

    def outcome(self, system: str, collection: str) -> CollectionOutcome:
        return next(o for o in self.outcomes if (o.system, o.collection) == (system, collection))

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "dry_run": self.dry_run,
            "today": self.today.isoformat(),
            "policy_digest": self.policy_digest,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "ok": self.ok,
            "acted": sum(o.acted for o in self.outcomes),
            "held": sum(o.held for o in self.outcomes),
            "collections": [o.as_dict() for o in self.outcomes],
        }


def policy_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class _Sweep:
    runtime: Runtime
    keyring: Keyring
    actor: str
    run_id: int | None
    holder: str
    batch_size: int
    pause: PauseHook | None
    progress: Callable[[CollectionOutcome], None] | None

    @property
    def dry_run(self) -> bool:
        return self.run_id is None

    def _pause(self, stage: str, number: int, target: Target) -> None:
        if self.pause is not None:
            self.pause(stage, number, target)

    def _tell(self, outcome: CollectionOutcome) -> None:
        if self.progress is not None:
            self.progress(outcome)

    def collection(
        self, target: Target, connector: Connector, person_held: Mapping[str, set[int]]
    ) -> CollectionOutcome:
        outcome = CollectionOutcome(
            system=target.system,
            collection=target.collection,
            rule=target.rule_name,
            action=target.action.value,
            cutoff=target.cutoff,
        )
        if not self.dry_run:
            with self.runtime.transaction() as session:
                taken = lease.acquire(
                    session=session,
                    clock=self.runtime.clock,
                    system=target.system,
                    collection=target.collection,
                    holder=self.holder,
                )
            if not taken:
                outcome.status = "busy"
                outcome.error = "another sweep is working on this collection"
                self._tell(outcome)
                return outcome
        try:
            self._collection(target, connector, person_held, outcome)
        except ConnectorError as exc:
            outcome.status = "failed"
            outcome.error = str(exc)
        finally:
            if not self.dry_run:
                with self.runtime.transaction() as session:
                    lease.release(
                        session=session,
                        system=target.system,
                        collection=target.collection,
                        holder=self.holder,
                    )
        self._tell(outcome)
        return outcome

    def _collection(
        self,
        target: Target,
        connector: Connector,
        person_held: Mapping[str, set[int]],
        outcome: CollectionOutcome,
    ) -> None:
        with self.runtime.transaction() as session:
            pending = evidence.pending_batches(
                session=session, system=target.system, collection=target.collection
            )
            whole = collection_hold_ids(
                session=session, system=target.system, collection=target.collection
            )
            record_held = record_hold_ids(
                session=session, system=target.system, collection=target.collection
            )
            number = (
                0
                if self.run_id is None
                else evidence.next_number(
                    session=session,
                    run_id=self.run_id,
                    system=target.system,
                    collection=target.collection,
                )
                - 1
            )
        for batch in pending:
            outcome.resumed_batches += 1
            outcome.resumed_rows += len(batch.keys)
            if not self.dry_run:
                self._finish(batch, target, connector, resumed=True)
        if whole:
            outcome.status = "held"
            outcome.hold_ids.update(whole)
        kept = {digest: set(ids) for digest, ids in person_held.items()}
        for digest, ids in record_held.items():
            kept.setdefault(digest, set()).update(ids)
        review = 0
        for keys in connector.expired(target.query, batch_size=self.batch_size):
            outcome.found += len(keys)
            if whole:
                outcome.held += len(keys)
                continue
            chosen, digests = self._choose(target, connector, keys, kept, outcome)
            if target.action == RetentionAction.REVIEW:
                review += len(chosen)
            elif chosen and self.dry_run:
                outcome.acted += len(chosen)
            elif chosen:
                number += 1
                self._act(target, connector, number, chosen, digests, outcome)
            self._tell(outcome)
            if outcome.status == "failed":
                return
        if target.action == RetentionAction.REVIEW and review and not self.dry_run:
            with self.runtime.transaction() as session:
                task = raise_review(
                    session=session,
                    clock=self.runtime.clock,
                    actor=self.actor,
                    rule=target.rule_name,
                    system=target.system,
                    collection=target.collection,
                    count=review,
                    cutoff=target.cutoff,
                )
                outcome.review_task = task.id
        outcome.to_review = review

    def _choose(
        self,
        target: Target,
        connector: Connector,
        keys: Sequence[Key],
        kept: Mapping[str, set[int]],
        outcome: CollectionOutcome,
    ) -> tuple[list[Key], list[str]]:
        """The keys to act on: not held, not exempt, not already anonymised."""
        chosen: list[Key] = []
        digests: list[str] = []
        for key in keys:
            digest = key_digest(target.system, target.collection, key)
            holds = kept.get(digest)
            if holds:
                outcome.held += 1
                outcome.hold_ids.update(holds)
                continue
            chosen.append(key)
            digests.append(digest)
        if chosen and target.exemptions:
            chosen, digests = self._without_exempt(target, connector, chosen, digests, outcome)
        if chosen and target.action == RetentionAction.ANONYMISE:
            with self.runtime.transaction() as session:
                done = evidence.anonymised_digests(
                    session=session,
                    system=target.system,
                    collection=target.collection,
                    digests=digests,
                )
            if done:
                pairs = [(k, d) for k, d in zip(chosen, digests, strict=True) if d not in done]
                outcome.already_anonymised += len(chosen) - len(pairs)
                chosen, digests = [k for k, _ in pairs], [d for _, d in pairs]
        return chosen, digests

    def _without_exempt(
        self,
        target: Target,
        connector: Connector,
        keys: list[Key],
        digests: list[str],
        outcome: CollectionOutcome,
    ) -> tuple[list[Key], list[str]]:
        fields = target.key_fields
        wanted = set(keys)
        rows = connector.fetch(target.collection, {fields[0]: sorted({k[0] for k in keys})})
        exempt: set[Key] = set()
        for row in rows:
            key = tuple(row[name] for name in fields)
            if key not in wanted:
                continue
            for exemption in target.exemptions:
                if row_matches(row, exemption.conditions):
                    exempt.add(key)
                    outcome.exemptions[exemption.label] = (
                        outcome.exemptions.get(exemption.label, 0) + 1
                    )
                    break
        outcome.exempt += len(exempt)
        pairs = [(k, d) for k, d in zip(keys, digests, strict=True) if k not in exempt]
        return [k for k, _ in pairs], [d for _, d in pairs]

    def _act(
        self,
        target: Target,
        connector: Connector,
        number: int,
        keys: list[Key],
        digests: list[str],
        outcome: CollectionOutcome,
    ) -> None:
        assert self.run_id is not None
        with self.runtime.transaction() as session:
            batch = evidence.open_batch(
                session=session,
                clock=self.runtime.clock,
                run_id=self.run_id,
                number=number,
                system=target.system,
                collection=target.collection,
                rule=target.rule_name,
                action=target.action,
                cutoff=target.cutoff,
                keys=keys,
                digests=digests,
            )
        self._pause("pending", number, target)
        try:
            acted = self._finish(batch, target, connector, resumed=False, number=number)
        except ConnectorError as exc:
            outcome.status = "failed"
            outcome.error = str(exc)
            return
        outcome.batches += 1
        outcome.acted += acted

    def _finish(
        self,
        batch: evidence.OpenBatch,
        target: Target,
        connector: Connector,
        *,
        resumed: bool,
        number: int | None = None,
    ) -> int:
        """Act on a recorded batch and write its evidence; keys already gone are a no-op."""
        try:
            if batch.action == RetentionAction.DELETE:
                acted = connector.delete(batch.collection, batch.keys)
            else:
                acted = connector.erase(
                    batch.collection, batch.keys, target.erasure_plan(self.keyring.digest)
                )
        except ConnectorError as exc:
            with self.runtime.transaction() as session:
                evidence.record_failure(
                    session=session,
                    clock=self.runtime.clock,
                    actor=self.actor,
                    batch=batch,
                    error=exc.message,
                )
            raise
        if number is not None:
            self._pause("acted", number, target)
        with self.runtime.transaction() as session:
            evidence.record_evidence(
                session=session,
                clock=self.runtime.clock,
                actor=self.actor,
                batch=batch,
                acted=acted,
                resumed_by=self.run_id if resumed else None,
            )
            kept_lease = lease.renew(
                session=session,
                clock=self.runtime.clock,
                system=target.system,
                collection=target.collection,
                holder=self.holder,
            )
        if number is not None:
            self._pause("done", number, target)
        if not kept_lease:
            raise ConnectorError(
                "this sweep's lease on the collection ran out and another sweep took it over",
                system=target.system,
                fix="the other sweep finishes the collection; nothing was acted on twice",
            )
        return acted


def sweep(
    *,
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    actor: str = ACTOR,
    system: str | None = None,
    collection: str | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH,
    environ: Mapping[str, str] = os.environ,
    progress: Callable[[CollectionOutcome], None] | None = None,
    pause: PauseHook | None = None,
) -> SweepReport:
    """Apply every retention rule (or those of one system or collection); a dry run changes
    nothing and reports what would go."""
    clock = runtime.clock
    targets = sweep_targets(loaded.policy, today=today(clock), system=system, collection=collection)
    report = SweepReport(
        run_id=None,
        dry_run=dry_run,
        today=today(clock),
        policy_digest=policy_digest(loaded.path),
        started_at=clock.now(),
    )
    connectors = open_connectors(
        loaded, environ=environ, systems=sorted({t.system for t in targets})
    )
    try:
        with runtime.transaction() as session:
            keyring.attach(session)
            person_held = person_held_records(
                session=session, keyring=keyring, loaded=loaded, connectors=connectors
            )
            if not dry_run:
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
                        "today": report.today.isoformat(),
                    },
                )
        runner = _Sweep(
            runtime=runtime,
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
            _finish_run(runtime, report, actor, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        for connector in connectors.values():
            connector.close()
    if report.run_id is not None:
        _finish_run(runtime, report, actor)
    else:
        report.finished_at = clock.now()
    return report


def _finish_run(
    runtime: Runtime, report: SweepReport, actor: str, error: str | None = None
) -> None:
    clock = runtime.clock
    report.finished_at = clock.now()
    summary = report.as_dict()
    with runtime.transaction() as session:
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
