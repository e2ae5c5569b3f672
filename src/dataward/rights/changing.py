"""Erasure, rectification, restriction and objection: the steps that change what is held."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dataward.connectors.base import Connector, ErasurePlan, Key
from dataward.connectors.service import FoundRecord, FoundSet
from dataward.core.clock import today
from dataward.core.errors import Conflict, ConnectorError
from dataward.people import service as people
from dataward.policy.graph import erasure_order
from dataward.rights import erasure as planning
from dataward.rights.context import ExecutionContext, Outcome
from dataward.rights.erasure import Decision, HoldReason, collection_of
from dataward.rights.erasure_plan import (
    ErasurePlanned,
    person_hold_of,
    plan_request,
    predicate_of,
)
from dataward.rights.models import ItemOutcome, RequestKind, RequestTask, RightsRequest, TaskMode
from dataward.rights.opt_in import write_opt_outs
from dataward.rights.rectification import plan_rectification
from dataward.rights.requester import Requester
from dataward.rights.restriction import is_marketing, plan_restriction
from dataward.rights.steps import (
    Step,
    Summary,
    event,
    item_counts,
    key_digest,
    record_items,
    suppress,
)


class ErasureStep(Step):
    commits_per_task = True
    changes_sources = True

    def __init__(self, *, whole_person: bool = True) -> None:
        self.person_hold: HoldReason | None = None
        self.whole_person = whole_person
        self.planned: ErasurePlanned | None = None

    def before(self, ctx: ExecutionContext, request: RightsRequest, who: Requester) -> None:
        if self.whole_person:
            # S-08: an erased person must never be re-subscribed by a later import.
            suppress(ctx, request, who, "erasure request")
        self.person_hold = person_hold_of(ctx.session, ctx.keyring, who.identities)

    def prepare(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        connectors: Mapping[str, Connector],
        found: FoundSet,
        systems: Sequence[str],
    ) -> None:
        """Plan every system's part and check it before the first change; record the plan
        (the request's review lists each record and what happens to it, or why it stays)."""
        self.planned = plan_request(
            session=ctx.session,
            keyring=ctx.keyring,
            policy=ctx.policy,
            connectors=connectors,
            records=found.records,
            systems=systems,
            today=today(ctx.clock),
            person_hold=self.person_hold,
        )
        record_items(
            ctx,
            request,
            ((d.record, d.outcome, d.ground, d.reason, d.until_on) for d in self.planned.all()),
        )
        # The plan is evidence before the source changes: a crash after this finds it again.
        ctx.checkpoint()

    @staticmethod
    def apply(
        connector: Connector,
        collection: str,
        keys: list[Key],
        plan: ErasurePlan,
        outcome: ItemOutcome,
    ) -> int:
        try:
            return connector.erase(collection, keys, plan)
        except ConnectorError as exc:
            if outcome != ItemOutcome.ANONYMISED:
                raise
            system = connector.system.name
            raise ConnectorError(
                f"anonymising {len(keys)} record(s) of {collection!r}: "
                + exc.message.removeprefix(f"system {system!r}: "),
                system=system,
                fix="give the field an `erase:` strategy its column accepts, e.g. "
                "`erase: mask` for a text column that may not be empty",
            ) from exc

    def act(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        task: RequestTask,
        connector: Connector,
        records: Sequence[FoundRecord],
        found: FoundSet,
    ) -> tuple[Summary, int]:
        if self.planned is None or task.system not in self.planned.decisions:
            self.prepare(ctx, request, {task.system: connector}, found, [task.system])
        assert self.planned is not None
        decisions = self.planned.decisions[task.system]
        if not decisions:
            return item_counts(request, task.system), 1
        by_place: dict[str, list[Decision]] = {}
        for decision in decisions:
            by_place.setdefault(decision.record.collection, []).append(decision)

        def erase_system() -> list[dict[str, Any]]:
            # The system's part in one transaction where it has them (one commit, not one per
            # collection): done whole or not at all, so a retry starts it again from the top.
            with connector.together():
                return self._erase_collections(ctx, connector, task.system, by_place)

        acted, tries = ctx.retry.run(erase_system)
        if acted:
            event(
                ctx,
                request,
                "rights.erasure.applied",
                {"system": task.system, "collections": acted},
            )
        return item_counts(request, task.system), tries

    def _erase_collections(
        self,
        ctx: ExecutionContext,
        connector: Connector,
        system: str,
        by_place: Mapping[str, list[Decision]],
    ) -> list[dict[str, Any]]:
        """Erase or anonymise the system's records, collection by collection in the order that
        keeps its foreign keys; the evidence of each collection, in that order."""
        acted: list[dict[str, Any]] = []
        for owner, name in erasure_order(ctx.policy):
            if owner != system or name not in by_place:
                continue
            collection = collection_of(ctx.policy, system, name)
            group = by_place[name]
            evidence: dict[str, Any] = {"collection": name}
            for outcome_kind in (ItemOutcome.ERASED, ItemOutcome.ANONYMISED):
                chosen = [d.record for d in group if d.outcome == outcome_kind]
                if not chosen:
                    continue
                plan = planning.plan_for(
                    collection,
                    outcome_kind,
                    hasher=ctx.keyring.digest,
                    keep=planning.referenced_fields(ctx.policy, system, name),
                )
                assert plan is not None
                keys = [r.key for r in chosen]
                if collection.primary_key:
                    changed = self.apply(connector, name, keys, plan, outcome_kind)
                else:
                    # No key to name the rows by: the values that selected them (checked, when
                    # planned, to select no row that stays).
                    where = predicate_of([d for d in group if d.outcome == outcome_kind])
                    changed = connector.erase_where(name, where, plan)
                evidence[outcome_kind.value] = {
                    "count": len(keys),
                    "rows_changed": changed,
                    "key_digests": [key_digest(ctx, system, name, k) for k in keys],
                }
            for outcome_kind in (ItemOutcome.KEPT, ItemOutcome.HELD):
                kept = [d for d in group if d.outcome == outcome_kind]
                if kept:
                    evidence[outcome_kind.value] = {
                        "count": len(kept),
                        "grounds": sorted({d.ground or "" for d in kept}),
                        "key_digests": [key_digest(ctx, system, name, d.record.key) for d in kept],
                    }
            acted.append(evidence)
        return acted

    def after(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        found: FoundSet,
        outcome: Outcome,
        who: Requester,
    ) -> None:
        self.tell_recipients(ctx, request, outcome)
        if not self.whole_person:
            return  # the person's other data stays, and so does what Dataward needs for it
        if self.person_hold is not None:
            # A legal hold keeps the person's records, and Dataward's own copy with them: the
            # hold names the person, and forgetting them would leave it naming no one.
            outcome.forget_held = self.person_hold.reason
            event(
                ctx,
                request,
                "rights.erasure.forget_held",
                {"reason": "a legal hold on the person"},
            )
            return
        # S-06: Dataward's own copy goes too, in every backup: its key is destroyed.
        ctx.append_events()  # the run's events so far come before the forgetting
        people.forget(
            session=ctx.session,
            keyring=ctx.keyring,
            clock=ctx.clock,
            person=who.person,
            actor=ctx.actor,
            reason=f"erasure request {request.reference}",
        )


class RectificationStep(Step):
    commits_per_task = True
    changes_sources = True

    def __init__(self) -> None:
        self.changes: dict[str, str] = {}

    def before(self, ctx: ExecutionContext, request: RightsRequest, who: Requester) -> None:
        changes = who.details.get("changes")
        if not isinstance(changes, dict) or not changes:
            raise Conflict(
                f"request {request.reference} records no corrections to make",
                fix="open it with --set CATEGORY=VALUE",
            )
        self.changes = {str(k): str(v) for k, v in changes.items()}

    def act(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        task: RequestTask,
        connector: Connector,
        records: Sequence[FoundRecord],
        found: FoundSet,
    ) -> tuple[Summary, int]:
        tries = 0
        corrections = plan_rectification(policy=ctx.policy, records=records, changes=self.changes)
        for correction in corrections:
            keys = correction.keys
            _changed, used = ctx.retry.run(
                lambda c=correction: connector.rectify(c.collection, c.keys, c.values)  # type: ignore[misc]
            )
            tries = max(tries, used)
            record_items(
                ctx,
                request,
                ((r, ItemOutcome.RECTIFIED, None, None, None) for r in correction.records),
            )
            event(
                ctx,
                request,
                "rights.rectification.applied",
                {
                    "system": correction.system,
                    "collection": correction.collection,
                    "fields": sorted(correction.values),
                    "count": len(keys),
                    "key_digests": [
                        key_digest(ctx, correction.system, correction.collection, k) for k in keys
                    ],
                },
            )
        return item_counts(request, task.system), max(tries, 1)

    def after(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        found: FoundSet,
        outcome: Outcome,
        who: Requester,
    ) -> None:
        self.tell_recipients(ctx, request, outcome)


class RestrictionStep(Step):
    """Restriction and objection: both stop a purpose; a marketing objection is absolute."""

    commits_per_task = True

    def before(self, ctx: ExecutionContext, request: RightsRequest, who: Requester) -> None:
        if request.kind == RequestKind.OBJECTION and any(is_marketing(p) for p in request.purposes):
            suppress(ctx, request, who, "objection to direct marketing")

    def act(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        task: RequestTask,
        connector: Connector,
        records: Sequence[FoundRecord],
        found: FoundSet,
    ) -> tuple[Summary, int]:
        scope = plan_restriction(policy=ctx.policy, records=records, purposes=request.purposes)
        word = "objection" if request.kind == RequestKind.OBJECTION else "restriction"
        reason = f"{word}: {', '.join(request.purposes)}"
        in_scope = [s for s in scope.systems if s.system == task.system]
        count, tries, written = 0, 1, False
        if in_scope and request.kind == RequestKind.OBJECTION:
            # S-07: where the policy names the system's opt-in column, the objection unticks it.
            written, tries = write_opt_outs(ctx, request, task.system, connector, records)
        for part in in_scope:
            count += len(part.records)
            record_items(
                ctx,
                request,
                ((r, ItemOutcome.RESTRICTED, None, reason, None) for r in part.records),
            )
            if not part.automatic and not written:
                # Staff stop the purpose in that system by hand, then mark the task done.
                task.mode = TaskMode.MANUAL
        if in_scope:
            event(
                ctx,
                request,
                f"rights.{word}.recorded",
                {"system": task.system, "purposes": list(request.purposes), "records": count},
            )
        return {
            "records": len(records),
            "restricted": count,
            "activities": sorted({a.name for p in in_scope for a in p.activities}),
        }, max(tries, 1)

    def after(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        found: FoundSet,
        outcome: Outcome,
        who: Requester,
    ) -> None:
        self.tell_recipients(ctx, request, outcome)
