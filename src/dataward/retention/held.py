"""What legal holds keep: the held records of a collection (a sweep loads them once), the
holds on a person, and the records of theirs those holds keep today."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.connectors.base import Connector, Key
from dataward.connectors.service import Identities, find_person
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.people import service as people
from dataward.policy.service import LoadedPolicy
from dataward.retention.keys import key_digest
from dataward.retention.models import HoldScope, LegalHold

# Enough for any IN list on every database we support, small enough for SQLite's limits.
IN_CHUNK = 500


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def collection_hold_ids(*, session: Session, system: str, collection: str) -> list[int]:
    query = select(LegalHold.id).where(
        LegalHold.scope == HoldScope.COLLECTION,
        LegalHold.system == system,
        LegalHold.collection == collection,
        LegalHold.released_at.is_(None),
    )
    return list(session.scalars(query.order_by(LegalHold.id)))


def record_hold_ids(*, session: Session, system: str, collection: str) -> dict[str, set[int]]:
    """Every held record of one collection: key digest → hold ids (a sweep loads them once)."""
    query = select(LegalHold.key_digest, LegalHold.id).where(
        LegalHold.scope == HoldScope.RECORD,
        LegalHold.system == system,
        LegalHold.collection == collection,
        LegalHold.released_at.is_(None),
    )
    held: dict[str, set[int]] = defaultdict(set)
    for digest, hold_id in session.execute(query):
        if digest is not None:
            held[digest].add(hold_id)
    return dict(held)


def held_keys(*, session: Session, system: str, collection: str, keys: Collection[Key]) -> set[Key]:
    """Those of `keys` under a record or collection hold (person holds: `person_holds`)."""
    if not keys:
        return set()
    if collection_hold_ids(session=session, system=system, collection=collection):
        return set(keys)
    by_digest: dict[str, list[Key]] = defaultdict(list)
    for key in keys:
        by_digest[key_digest(system, collection, key)].append(key)
    held: set[Key] = set()
    for chunk in _chunks(list(by_digest)):
        query = select(LegalHold.key_digest).where(
            LegalHold.scope == HoldScope.RECORD,
            LegalHold.system == system,
            LegalHold.collection == collection,
            LegalHold.released_at.is_(None),
            LegalHold.key_digest.in_(chunk),
        )
        for digest in session.scalars(query):
            if digest is not None:
                held.update(by_digest[digest])
    return held


def person_holds(*, session: Session, keyring: Keyring, identities: Identities) -> list[LegalHold]:
    """Active holds on the person these identities name (by keyed hash, or as a known person)."""
    keyring.attach(session)
    hashes: set[str] = set()
    pseudonyms: set[str] = set()
    for kind, values in identities.values.items():
        for value in values:
            try:
                hashes.add(keyring.identifier_hash(kind, value))
            except UsageError:
                continue  # not a valid address or number: it cannot match a hold either
            if kind in ("email", "phone", "phone_number"):
                found = people.find_person(
                    session=session,
                    keyring=keyring,
                    email=value if kind == "email" else None,
                    phone=None if kind == "email" else value,
                )
                if found is not None:
                    pseudonyms.add(found.pseudonym)
    if not hashes and not pseudonyms:
        return []
    query = (
        select(LegalHold)
        .where(
            LegalHold.scope == HoldScope.PERSON,
            LegalHold.released_at.is_(None),
            LegalHold.identity_hash.in_(sorted(hashes))
            | LegalHold.person_pseudonym.in_(sorted(pseudonyms)),
        )
        .order_by(LegalHold.id)
    )
    return list(session.scalars(query))


class UnresolvableHold(Conflict):
    """A person hold whose person Dataward can no longer read: their records cannot be found."""


def person_held_records(
    *,
    session: Session,
    keyring: Keyring,
    loaded: LoadedPolicy,
    connectors: Mapping[str, Connector],
    unresolved: list[str] | None = None,
) -> dict[tuple[str, str], dict[str, set[int]]]:
    """(system, collection) → key digest → ids of the person holds keeping that record.

    Resolved afresh at each sweep: the person's records today, found as a rights request would.
    A hold whose person cannot be read (forgotten before holds stopped the forgetting) is
    told in `unresolved` when given: it keeps nothing it can find, and a sweep must not stop
    for it. Without `unresolved` it raises UnresolvableHold, as before.
    """
    held: dict[tuple[str, str], dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    query = select(LegalHold).where(
        LegalHold.scope == HoldScope.PERSON, LegalHold.released_at.is_(None)
    )
    for hold in session.scalars(query.order_by(LegalHold.id)):
        if hold.person_pseudonym is None:
            problem = UnresolvableHold(f"legal hold {hold.id} names no person")
            if unresolved is None:
                raise problem
            unresolved.append(problem.message)
            continue
        person = people.get_person(session=session, pseudonym=hold.person_pseudonym)
        try:
            details = people.reveal(session=session, keyring=keyring, person=person)
        except people.PersonErased as exc:
            problem = UnresolvableHold(
                f"legal hold {hold.id} is on a person Dataward has since forgotten, so their "
                "records cannot be found and nothing would keep them",
                fix=f"place record holds on what must be kept, then `dataward holds release "
                f"{hold.id}`",
            )
            if unresolved is None:
                raise problem from exc
            unresolved.append(f"{problem.message}; {problem.fix}")
            continue
        identities = Identities.of(email=details.email, phone=details.phone)
        if not identities:
            continue
        found = find_person(loaded, connectors, identities)
        for record in found.records:
            digest = key_digest(record.system, record.collection, record.key)
            held[(record.system, record.collection)][digest].add(hold.id)
    return {node: dict(digests) for node, digests in held.items()}
