"""Records found for a request that name someone else are set aside for staff to review.

A proved identity can still lead to another person's record: a phone number shared by a
household, a customer number on a row whose email is someone else's. Such a row is neither
disclosed nor erased until staff decide whose it is (`dataward rights review`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.connectors.service import FoundRecord, FoundSet, Identities, normalise
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, NotFound, UsageError
from dataward.policy.schema import Policy
from dataward.rights import notes
from dataward.rights.context import ExecutionContext
from dataward.rights.erasure import collection_of
from dataward.rights.models import RequestState, ReviewDecision, ReviewItem, RightsRequest
from dataward.rights.schemas import EMAIL, PHONE_NUMBER
from dataward.rights.steps import key_digest
from dataward.rights.verification import queue_execution

# The identities a row can name a person by that a requester also gives.
CONTACT = {EMAIL: "email address", PHONE_NUMBER: "phone number"}


def foreign_identity(policy: Policy, record: FoundRecord, proved: Identities) -> str | None:
    """Why this record seems to be someone else's, or None: for a kind of contact identity
    the requester proved, the record holds values of that kind and none of them is theirs.
    A record naming two people of one kind (a call's caller and callee) still names them."""
    try:
        collection = collection_of(policy, record.system, record.collection)
    except KeyError:
        return None
    held: dict[str, list[tuple[str, str]]] = {}
    for item in collection.fields:
        kind = PHONE_NUMBER if item.identity == "phone" else item.identity
        value = record.row.get(item.name)
        if kind in CONTACT and proved.values.get(kind) and value is not None and str(value).strip():
            held.setdefault(kind, []).append((item.name, normalise(kind, str(value))))
    for kind, fields in sorted(held.items()):
        if not any(value in proved.values[kind] for _name, value in fields):
            names = ", ".join(repr(name) for name, _value in fields)
            return (
                f"its {CONTACT[kind]} ({names}) is not the requester's verified one: it may be"
                " someone else's record"
            )
    return None


@dataclass
class Screened:
    """The found set without the records set aside, and how many wait for review per system."""

    found: FoundSet
    undecided: dict[str, int] = field(default_factory=dict)


def screen(
    ctx: ExecutionContext, request: RightsRequest, found: FoundSet, proved: Identities
) -> Screened:
    """Set aside the records naming someone else, keeping the ones staff already included."""
    existing = {(r.system, r.collection, r.key_digest): r for r in request.review_items}
    kept: list[FoundRecord] = []
    undecided: dict[str, int] = {}
    added = 0
    for record in found.records:
        reason = foreign_identity(ctx.policy, record, proved)
        if reason is None:
            kept.append(record)
            continue
        digest = key_digest(ctx, record.system, record.collection, record.key)
        item = existing.get((record.system, record.collection, digest))
        if item is None:
            item = ReviewItem(
                system=record.system,
                collection=record.collection,
                key_digest=digest,
                reason=reason,
            )
            request.review_items.append(item)
            existing[(record.system, record.collection, digest)] = item
            added += 1
        if item.decision == ReviewDecision.INCLUDE:
            kept.append(record)
        elif item.decision is None:
            undecided[record.system] = undecided.get(record.system, 0) + 1
    ctx.session.flush()
    if added:
        audit.record(
            session=ctx.session,
            clock=ctx.clock,
            actor=ctx.actor,
            action="rights.review.set_aside",
            object_type="rights_request",
            object_id=request.reference,
            subject=request.person_pseudonym,
            details={"records": added, "systems": sorted(undecided)},
        )
    places = {(r.system, r.collection, r.key) for r in kept}
    files = {place: paths for place, paths in found.files.items() if place in places}
    return Screened(
        FoundSet(
            records=kept, files=files, searched=found.searched, rows_scanned=found.rows_scanned
        ),
        undecided,
    )


def waiting_text(reference: str, count: int) -> str:
    plural = "record names" if count == 1 else "records name"
    return (
        f"{count} {plural} someone other than the requester and wait for review:"
        f" `dataward rights review {reference}`"
    )


def decide(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    item_id: int,
    decision: ReviewDecision,
    actor: str,
    note: str | None,
) -> ReviewItem:
    """Staff say whether a set-aside record is the requester's (include) or not (exclude)."""
    item = next((i for i in request.review_items if i.id == item_id), None)
    if item is None:
        raise NotFound(
            f"request {request.reference} has no record #{item_id} set aside",
            fix=f"see `dataward rights review {request.reference}`",
        )
    if item.decision is not None:
        raise Conflict(f"record #{item_id} was already decided: {item.decision.value}")
    if decision == ReviewDecision.INCLUDE and not (note and note.strip()):
        raise UsageError(
            "say what showed the record is the requester's before including it",
            fix="--note 'the account holder confirmed the second email is theirs'",
        )
    item.decision = decision
    item.decided_at = clock.now()
    item.decided_by = actor
    item.note = (
        keyring.seal_note(note.strip(), context=notes.REVIEW_NOTE, session=session)
        if note
        else None
    )
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="rights.review.decided",
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details={"item": item.id, "system": item.system, "decision": decision.value},
    )
    return item


def undecided(request: RightsRequest) -> list[ReviewItem]:
    return [i for i in request.review_items if i.decision is None]


def review_records(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    actor: str,
    include: Sequence[int] = (),
    exclude: Sequence[int] = (),
    note: str | None = None,
) -> bool:
    """Include or exclude set-aside records; once none is left undecided, queue the request
    to run again. True when it was queued."""
    both = set(include) & set(exclude)
    if both:
        raise UsageError(
            f"record #{min(both)} is both included and excluded", fix="choose one for each"
        )
    decisions = [(i, ReviewDecision.INCLUDE) for i in include]
    decisions += [(i, ReviewDecision.EXCLUDE) for i in exclude]
    for item_id, decision in decisions:
        decide(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request,
            item_id=item_id,
            decision=decision,
            actor=actor,
            note=note,
        )
    requeued = (
        bool(decisions) and not undecided(request) and request.state == RequestState.IN_PROGRESS
    )
    if requeued:
        queue_execution(
            session=session,
            clock=clock,
            request=request,
            occasion=f"reviewed-{len(request.review_items)}",
        )
    return requeued
