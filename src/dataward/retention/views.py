"""Holds, runs and reviews as the API and the console show them, and a hold placed from a form
or a JSON body (one of a person, a record or a collection, as `dataward holds add` takes)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dataward.core.clock import Clock
from dataward.core.console import note_text
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.policy.schema import Policy
from dataward.retention import evidence, holds, reviews
from dataward.retention.forecast import Forecast
from dataward.retention.models import HoldScope, LegalHold, ReviewTask, SweepRun
from dataward.retention.schemas import (
    BatchEvidenceOut,
    CollectionOutcomeOut,
    ForecastOut,
    ForecastRowOut,
    HoldIn,
    HoldOut,
    ReviewOut,
    RunDetailOut,
    RunOut,
)


def checked_note(text: str) -> str:
    """The CLI's rule for staff free text (not empty, short, plain)."""
    checked = note_text(text)
    assert checked is not None
    return checked


def place_hold(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    policy: Policy | None,
    actor: str,
    hold: HoldIn,
) -> LegalHold:
    reason = checked_note(hold.reason)
    if hold.scope == HoldScope.PERSON:
        if (hold.email is None) == (hold.phone is None):
            raise UsageError(
                "a hold on a person names them by one identifier", fix="give an email or a phone"
            )
        return holds.hold_person(
            session=session,
            keyring=keyring,
            clock=clock,
            actor=actor,
            email=hold.email,
            phone=hold.phone,
            reason=reason,
            review_on=hold.review_on,
        )
    if not hold.system or not hold.collection:
        raise UsageError(
            f"a hold on a {hold.scope.value} names its system and collection",
            fix="give both, e.g. system calls and collection recordings",
        )
    if policy is None:
        raise UsageError("naming a record or collection needs the policy")
    if hold.scope == HoldScope.RECORD:
        if not hold.key:
            raise UsageError("a hold on a record names its key", fix="give the record's key")
        return holds.hold_record(
            session=session,
            keyring=keyring,
            clock=clock,
            policy=policy,
            actor=actor,
            system=hold.system,
            collection=hold.collection,
            key=hold.key,
            reason=reason,
            review_on=hold.review_on,
        )
    return holds.hold_collection(
        session=session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        actor=actor,
        system=hold.system,
        collection=hold.collection,
        reason=reason,
        review_on=hold.review_on,
    )


def hold_out(hold: LegalHold, *, keyring: Keyring, clock: Clock, personal: bool) -> HoldOut:
    """`personal`: the reader may see personal data (the reasons, who, which record)."""
    hidden_key = hold.scope == HoldScope.RECORD and not personal
    return HoldOut(
        id=hold.id,
        scope=hold.scope,
        target=f"{hold.system}/{hold.collection}/(a record)" if hidden_key else hold.target,
        system=hold.system,
        collection=hold.collection,
        record_key=hold.record_key if personal else None,
        person=hold.person_pseudonym if personal else None,
        reason=holds.reason_text(hold, keyring=keyring) if personal else None,
        review_on=hold.review_on,
        due_for_review=holds.due_for_review(hold, clock=clock),
        placed_at=hold.placed_at,
        placed_by=hold.placed_by,
        released_at=hold.released_at,
        released_by=hold.released_by,
        release_reason=holds.release_reason_text(hold, keyring=keyring) if personal else None,
    )


def _count(summary: dict[str, object] | None, name: str) -> int | None:
    value = (summary or {}).get(name)
    return value if isinstance(value, int) else None


def run_out(run: SweepRun) -> RunOut:
    return RunOut(
        id=run.id,
        started_at=run.started_at,
        finished_at=run.finished_at,
        status=run.status,
        actor=run.actor,
        system=run.system,
        collection=run.collection,
        policy_digest=run.policy_digest,
        acted=_count(run.summary, "acted"),
        held=_count(run.summary, "held"),
        error=run.error,
    )


def run_detail(*, session: Session, run: SweepRun, digests: bool = True) -> RunDetailOut:
    """The run, what it did per collection, and each batch checked against the audit chain.

    Without `digests` the key digests are left out (a batch holds up to 25,000 of them); each
    batch is still checked against its audit event in full."""
    outcomes = (run.summary or {}).get("collections")
    collections = [
        CollectionOutcomeOut.model_validate(o) for o in (outcomes or []) if isinstance(o, dict)
    ]
    batches = [
        BatchEvidenceOut(
            batch=p.batch_id,
            number=p.number,
            system=p.system,
            collection=p.collection,
            rule=p.rule,
            action=p.action,
            cutoff=p.cutoff,
            at=p.at,
            audit_sequence=p.audit_sequence,
            count=p.count,
            key_digests=p.key_digests if digests else [],
            refused_key_digests=p.blocked_digests if digests else [],
            verified=p.problem is None,
            problem=p.problem,
        )
        for p in evidence.batch_evidence(session=session, run_id=run.id)
    ]
    return RunDetailOut(**run_out(run).model_dump(), collections=collections, batches=batches)


def review_out(task: ReviewTask, *, keyring: Keyring, personal: bool) -> ReviewOut:
    return ReviewOut(
        id=task.id,
        rule=task.rule,
        system=task.system,
        collection=task.collection,
        count=task.count,
        cutoff_on=task.cutoff_on,
        status=task.status,
        raised_at=task.raised_at,
        last_seen_at=task.last_seen_at,
        resolved_at=task.resolved_at,
        resolved_by=task.resolved_by,
        resolution=reviews.resolution_text(task, keyring=keyring) if personal else None,
    )


def forecast_out(result: Forecast) -> ForecastOut:
    return ForecastOut(
        today=result.today,
        months=result.months,
        due_now=sum(r.due_now for r in result.rows),
        totals_by_month=result.totals(),
        rows=[
            ForecastRowOut(
                rule=r.rule,
                system=r.system,
                collection=r.collection,
                action=r.action,
                held=r.held,
                due_now=r.due_now,
                by_month=r.by_month,
            )
            for r in result.rows
        ],
    )
