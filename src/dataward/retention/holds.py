"""Legal holds: a person, a record or a whole collection kept from sweeps and erasure."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.connectors.base import Key
from dataward.core.clock import Clock, today
from dataward.core.crypto import Keyring
from dataward.core.errors import NotFound, UsageError
from dataward.people import service as people
from dataward.policy.schema import Collection as PolicyCollection
from dataward.policy.schema import Policy
from dataward.retention.keys import key_digest, key_text
from dataward.retention.models import HoldScope, LegalHold

# Enough for any IN list on every database we support, small enough for SQLite's limits.
IN_CHUNK = 500

PERSON_KINDS = ("email", "phone")


def _active() -> object:
    return LegalHold.released_at.is_(None)


# Where each sealed note lives: a note cannot be moved to another column and still open.
REASON_NOTE = "legal_holds.reason"
RELEASE_NOTE = "legal_holds.release_reason"


def _require_reason(reason: str) -> str:
    cleaned = reason.strip()
    if not cleaned:
        raise UsageError(
            "a legal hold needs a reason", fix="say why, e.g. --reason 'claim 2026/14 pending'"
        )
    return cleaned


def _sealed(session: Session, keyring: Keyring, reason: str, *, context: str) -> str:
    """A reason names a claim, a complainant, a case: it is stored encrypted."""
    return keyring.seal_note(_require_reason(reason), context=context, session=session)


def reason_text(hold: LegalHold, *, keyring: Keyring) -> str:
    return keyring.open_note(hold.reason, context=REASON_NOTE)


def release_reason_text(hold: LegalHold, *, keyring: Keyring) -> str | None:
    if hold.release_reason is None:
        return None
    return keyring.open_note(hold.release_reason, context=RELEASE_NOTE)


def find_collection(policy: Policy, system: str, collection: str) -> PolicyCollection:
    found = policy.system(system)
    if found is None:
        names = ", ".join(s.name for s in policy.systems) or "none"
        raise UsageError(f"the policy has no system {system!r}", fix=f"systems: {names}")
    dataset = found.dataset
    match = (
        next((c for c in dataset.collections if c.name == collection), None) if dataset else None
    )
    if match is None:
        names = ", ".join(c.name for c in dataset.collections) if dataset else "none"
        raise UsageError(
            f"system {system!r} has no collection {collection!r}", fix=f"collections: {names}"
        )
    return match


def parse_key(collection: PolicyCollection, text: str) -> Key:
    """`123`, or `2024,17` for a collection whose primary key has two fields."""
    fields = collection.primary_key
    if not fields:
        raise UsageError(
            f"collection {collection.name!r} declares no primary key, so a record cannot be named",
            fix="mark its key field with `primary_key: true` in the policy",
        )
    if len(fields) == 1:
        return (text,)
    parts = text.split(",")
    if len(parts) != len(fields):
        raise UsageError(
            f"collection {collection.name!r} has a {len(fields)}-part key "
            f"({', '.join(fields)}); {text!r} has {len(parts)}",
            fix="give the parts separated by commas, in that order",
        )
    return tuple(parts)


def _place(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    hold: LegalHold,
    subject: str | None = None,
) -> LegalHold:
    session.add(hold)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="retention.hold.placed",
        object_type="legal_hold",
        object_id=str(hold.id),
        subject=subject,
        details={
            "scope": hold.scope.value,
            "system": hold.system,
            "collection": hold.collection,
            "key_digest": hold.key_digest,
            # The chain keeps the reason's keyed digest: provable, and never readable from it.
            "reason_digest": keyring.digest(reason_text(hold, keyring=keyring)),
            "review_on": hold.review_on.isoformat() if hold.review_on else None,
        },
    )
    return hold


def hold_record(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    policy: Policy,
    actor: str,
    system: str,
    collection: str,
    key: str,
    reason: str,
    review_on: date | None = None,
) -> LegalHold:
    found = find_collection(policy, system, collection)
    parsed = parse_key(found, key)
    hold = LegalHold(
        scope=HoldScope.RECORD,
        system=system,
        collection=collection,
        record_key=key_text(parsed),
        key_digest=key_digest(system, collection, parsed),
        reason=_sealed(session, keyring, reason, context=REASON_NOTE),
        review_on=review_on,
        placed_at=clock.now(),
        placed_by=actor,
    )
    return _place(session=session, keyring=keyring, clock=clock, actor=actor, hold=hold)


def hold_collection(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    policy: Policy,
    actor: str,
    system: str,
    collection: str,
    reason: str,
    review_on: date | None = None,
) -> LegalHold:
    find_collection(policy, system, collection)
    hold = LegalHold(
        scope=HoldScope.COLLECTION,
        system=system,
        collection=collection,
        reason=_sealed(session, keyring, reason, context=REASON_NOTE),
        review_on=review_on,
        placed_at=clock.now(),
        placed_by=actor,
    )
    return _place(session=session, keyring=keyring, clock=clock, actor=actor, hold=hold)


def hold_person(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    reason: str,
    email: str | None = None,
    phone: str | None = None,
    review_on: date | None = None,
) -> LegalHold:
    """Hold everything found for this person; Dataward keeps them (encrypted) to find it later."""
    if (email is None) == (phone is None):
        raise UsageError(
            "a person hold names the person by one identifier", fix="give --email or --phone"
        )
    sealed = _sealed(session, keyring, reason, context=REASON_NOTE)
    person = people.register_person(
        session=session, keyring=keyring, clock=clock, email=email, phone=phone
    )
    kind, value = ("email", email) if email is not None else ("phone", phone)
    assert value is not None
    hold = LegalHold(
        scope=HoldScope.PERSON,
        person_pseudonym=person.pseudonym,
        identity_kind=kind,
        identity_hash=keyring.identifier_hash(kind, value),
        reason=sealed,
        review_on=review_on,
        placed_at=clock.now(),
        placed_by=actor,
    )
    return _place(
        session=session,
        keyring=keyring,
        clock=clock,
        actor=actor,
        hold=hold,
        subject=person.pseudonym,
    )


def release_hold(
    *, session: Session, keyring: Keyring, clock: Clock, actor: str, hold_id: int, reason: str
) -> LegalHold:
    hold = session.get(LegalHold, hold_id)
    if hold is None:
        raise NotFound(f"there is no legal hold {hold_id}", fix="see `dataward holds list`")
    if hold.released_at is not None:
        raise UsageError(
            f"legal hold {hold_id} was already released on {hold.released_at:%Y-%m-%d}"
        )
    hold.released_at = clock.now()
    hold.released_by = actor
    hold.release_reason = _sealed(session, keyring, reason, context=RELEASE_NOTE)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="retention.hold.released",
        object_type="legal_hold",
        object_id=str(hold.id),
        details={
            "scope": hold.scope.value,
            "reason_digest": keyring.digest(_require_reason(reason)),
        },
    )
    return hold


def list_holds(*, session: Session, include_released: bool = False) -> list[LegalHold]:
    query = select(LegalHold).order_by(LegalHold.id)
    if not include_released:
        query = query.where(LegalHold.released_at.is_(None))
    return list(session.scalars(query))


def due_for_review(hold: LegalHold, *, clock: Clock) -> bool:
    return hold.active and hold.review_on is not None and hold.review_on <= today(clock)
