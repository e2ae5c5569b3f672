"""Sweeping one collection: resume what a killed sweep left, then expired keys batch by batch.

Each batch is recorded as pending (with its keys), acted on through the connector, and recorded
as done with its audit event, each step committed, so a sweep killed at any point resumes
without acting twice or losing evidence (see evidence.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dataward.connectors.base import Connector, Key
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import ConnectorError
from dataward.policy.expressions import empty_fields, judge_all
from dataward.policy.schema import RetentionAction
from dataward.retention import evidence, lease
from dataward.retention.held import collection_hold_ids, record_hold_ids
from dataward.retention.keys import key_digests
from dataward.retention.plan import Target
from dataward.retention.report import CollectionOutcome
from dataward.retention.reviews import raise_review
from dataward.retention.suppression import keep_suppressed

# Called at "pending" (batch recorded, connector not yet asked), "acted" (connector done,
# evidence not yet written) and "done"; tests use it to kill a sweep at each point.
PauseHook = Callable[[str, int, Target], None]


@dataclass
class CollectionSweeper:
    """Works in one session and commits only through `checkpoint`, which the boundary (the
    command or job) supplies: after a batch is recorded as pending, after its evidence, and
    around the lease, so a kill at any point leaves a state the next sweep resumes from."""

    session: Session
    checkpoint: Callable[[], None]
    clock: Clock
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
            taken = lease.acquire(
                session=self.session,
                clock=self.clock,
                system=target.system,
                collection=target.collection,
                holder=self.holder,
            )
            self.checkpoint()
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
                # Whatever step failed is discarded whole; every finished step was checkpointed.
                self.session.rollback()
                lease.release(
                    session=self.session,
                    system=target.system,
                    collection=target.collection,
                    holder=self.holder,
                )
                self.checkpoint()
        self._tell(outcome)
        return outcome

    def _collection(
        self,
        target: Target,
        connector: Connector,
        person_held: Mapping[str, set[int]],
        outcome: CollectionOutcome,
    ) -> None:
        pending = evidence.pending_batches(
            session=self.session, system=target.system, collection=target.collection
        )
        whole = collection_hold_ids(
            session=self.session, system=target.system, collection=target.collection
        )
        record_held = record_hold_ids(
            session=self.session, system=target.system, collection=target.collection
        )
        number = (
            0
            if self.run_id is None
            else evidence.next_number(
                session=self.session,
                run_id=self.run_id,
                system=target.system,
                collection=target.collection,
            )
            - 1
        )
        self.checkpoint()
        for batch in pending:
            outcome.resumed_batches += 1
            outcome.resumed_rows += len(batch.keys)
            if not self.dry_run:
                # Rows the killed sweep removed before it could record them count here: the
                # killed run never wrote its totals, so this run's are what really went.
                outcome.acted += self._finish(batch, target, connector, outcome, resumed=True)
        if whole:
            outcome.status = "held"
            outcome.hold_ids.update(whole)
        kept = {digest: set(ids) for digest, ids in person_held.items()}
        for digest, ids in record_held.items():
            kept.setdefault(digest, set()).update(ids)
        review = 0
        # Rows the rule's own conditions cannot judge (a compared field is empty) are left
        # where they are, and counted so the report says so.
        undecided = connector.undecided(target.query)
        outcome.count_undecided(undecided.rows, undecided.fields)
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
            task = raise_review(
                session=self.session,
                clock=self.clock,
                actor=self.actor,
                rule=target.rule_name,
                system=target.system,
                collection=target.collection,
                count=review,
                cutoff=target.cutoff,
            )
            outcome.review_task = task.id
            self.checkpoint()
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
        for key, digest in zip(
            keys, key_digests(target.system, target.collection, keys), strict=True
        ):
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
            done = evidence.anonymised_digests(
                session=self.session,
                system=target.system,
                collection=target.collection,
                digests=digests,
            )
            self.checkpoint()
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
        unsure: set[Key] = set()
        for row in rows:
            key = tuple(row[name] for name in fields)
            if key not in wanted or key in exempt or key in unsure:
                continue
            verdicts = [(e, judge_all(e.conditions, row)) for e in target.exemptions]
            ground = next((e for e, truth in verdicts if truth is True), None)
            if ground is not None:
                exempt.add(key)
                outcome.exemptions[ground.label] = outcome.exemptions.get(ground.label, 0) + 1
            elif any(truth is None for _, truth in verdicts):
                # An exemption that cannot be judged neither lets the row go nor keeps it
                # silently: it stays, and the report names the empty field.
                unsure.add(key)
                empty = [
                    f for e, t in verdicts if t is None for f in empty_fields(e.conditions, row)
                ]
                outcome.count_undecided(1, dict.fromkeys(empty, 1))
        outcome.exempt += len(exempt)
        pairs = [
            (k, d)
            for k, d in zip(keys, digests, strict=True)
            if k not in exempt and k not in unsure
        ]
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
        # Checked with the batch it guards: a sweep that lost its lease records nothing more.
        if not lease.renew(
            session=self.session,
            clock=self.clock,
            system=target.system,
            collection=target.collection,
            holder=self.holder,
        ):
            outcome.status = "failed"
            outcome.error = (
                "this sweep's lease on the collection ran out and another sweep took it "
                "over; that sweep finishes the collection"
            )
            self.checkpoint()
            return
        batch = evidence.open_batch(
            session=self.session,
            clock=self.clock,
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
        keep_suppressed(self, target, connector, keys)
        self.checkpoint()
        self._pause("pending", number, target)
        try:
            acted = self._finish(batch, target, connector, outcome, resumed=False, number=number)
        except ConnectorError as exc:
            outcome.status = "failed"
            outcome.error = str(exc)
            return
        outcome.batches += 1
        outcome.acted += acted

    def _call(
        self, connector: Connector, batch: evidence.OpenBatch, keys: list[Key], target: Target
    ) -> int:
        if batch.action == RetentionAction.DELETE:
            return connector.delete(batch.collection, keys)
        return connector.erase(batch.collection, keys, target.erasure_plan(self.keyring.digest))

    def _apply(
        self, batch: evidence.OpenBatch, target: Target, connector: Connector
    ) -> tuple[int, list[Key], str | None]:
        """(rows acted on, keys the source refused, why); a refusal of all of them raises."""
        try:
            return self._call(connector, batch, batch.keys, target), [], None
        except ConnectorError as exc:
            if len(batch.keys) == 1:
                raise
            whole = exc
        # One record the source refuses (a parent a kept child still references) must not keep
        # the rest of its batch: try them one at a time, and report the ones refused.
        acted, blocked, reason = 0, [], whole.message
        for key in batch.keys:
            try:
                acted += self._call(connector, batch, [key], target)
            except ConnectorError as single:
                blocked.append(key)
                reason = single.message
        if len(blocked) == len(batch.keys):
            raise whole
        return acted, blocked, reason

    def _finish(
        self,
        batch: evidence.OpenBatch,
        target: Target,
        connector: Connector,
        outcome: CollectionOutcome,
        *,
        resumed: bool,
        number: int | None = None,
    ) -> int:
        """Act on a recorded batch and write its evidence; keys already gone are a no-op.

        A resumed delete first counts its keys already gone (the killed sweep's DELETE ran,
        its evidence did not) and credits them: the evidence and the run then say what really
        went, not `count 10000, acted 0`."""
        already_gone = self._already_gone(batch, target, connector) if resumed else 0
        try:
            acted, blocked, reason = self._apply(batch, target, connector)
        except ConnectorError as exc:
            evidence.record_failure(
                session=self.session,
                clock=self.clock,
                actor=self.actor,
                batch=batch,
                error=exc.message,
            )
            self.checkpoint()
            raise
        if number is not None:
            self._pause("acted", number, target)
        evidence.record_evidence(
            session=self.session,
            clock=self.clock,
            actor=self.actor,
            batch=batch,
            acted=acted + already_gone,
            blocked=blocked,
            blocked_reason=reason,
            resumed_by=self.run_id if resumed else None,
            credited=already_gone,
        )
        self.checkpoint()
        if blocked:
            outcome.blocked += len(blocked)
            outcome.blocked_reason = reason
        if number is not None:
            self._pause("done", number, target)
        return acted + already_gone

    def _already_gone(self, batch: evidence.OpenBatch, target: Target, connector: Connector) -> int:
        """Keys of an interrupted delete batch no longer at the source."""
        if batch.action != RetentionAction.DELETE or not batch.keys:
            return 0
        fields = target.key_fields
        rows = connector.fetch(batch.collection, {fields[0]: sorted({k[0] for k in batch.keys})})
        present = key_digests(
            batch.system, batch.collection, [tuple(row[n] for n in fields) for row in rows]
        )
        return len(set(batch.digests) - set(present))
