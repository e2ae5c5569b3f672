"""The whole erasure planned, and checked, before anything is changed.

Every system's decisions are made from one search, with the source systems asked which shared
records (a product, an address) other people's records still point to. The plan is then checked
as a whole: if any part of it cannot be carried out, nothing is done anywhere.
"""

from __future__ import annotations

from collections.abc import Collection as Collection_
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dataward.connectors.base import Connector, Key
from dataward.connectors.provenance import OWN, REFERENCED
from dataward.connectors.service import FoundRecord, Identities, _row_identity
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict
from dataward.policy.graph import foreign_keys
from dataward.policy.schema import Policy
from dataward.retention import service as retention
from dataward.retention.service import HoldScope, LegalHold
from dataward.rights import erasure as planning
from dataward.rights.erasure import Decision, HoldReason, collection_of
from dataward.rights.models import ItemOutcome


def hold_reason(
    holds: Sequence[LegalHold], collection: str, key: Key, *, keyring: Keyring
) -> HoldReason:
    """Why a held record is held: its own hold, else its collection's."""
    text = ",".join("" if v is None else str(v) for v in key)
    mine = [h for h in holds if h.collection == collection]
    for scope in (HoldScope.RECORD, HoldScope.COLLECTION):
        for hold in mine:
            if hold.scope == scope and (scope == HoldScope.COLLECTION or hold.record_key == text):
                return HoldReason(retention.reason_text(hold, keyring=keyring), hold.review_on)
    return HoldReason("a legal hold on this record")


def held_records(
    session: Session,
    keyring: Keyring,
    system: str,
    records: Sequence[FoundRecord],
    active: Sequence[LegalHold],
) -> dict[tuple[str, str, Key], HoldReason]:
    """The records of `system` a legal hold keeps; `active` is every hold not released
    (read once for the whole plan, not once per system)."""
    held: dict[tuple[str, str, Key], HoldReason] = {}
    if not records:
        return held
    holds = [h for h in active if h.system == system]
    # Only collections with a hold on them are asked about each key: most have none.
    for collection in {h.collection for h in holds if h.collection is not None}:
        keys = [r.key for r in records if r.collection == collection]
        if not keys:
            continue
        for key in retention.held_keys(
            session=session, system=system, collection=collection, keys=keys
        ):
            held[(system, collection, key)] = hold_reason(holds, collection, key, keyring=keyring)
    return held


def person_hold_of(session: Session, keyring: Keyring, identities: Identities) -> HoldReason | None:
    """The legal holds on the person, as one reason, when there are any."""
    holds = retention.person_holds(session=session, keyring=keyring, identities=identities)
    if not holds:
        return None
    reviews = [h.review_on for h in holds if h.review_on is not None]
    reasons = "; ".join(retention.reason_text(h, keyring=keyring) for h in holds)
    return HoldReason(reasons, max(reviews) if reviews else None)


def _loose(value: object) -> str | None:
    return None if value is None else str(value).strip().lower()


def still_referred(
    policy: Policy, connectors: Mapping[str, Connector], records: Sequence[FoundRecord]
) -> dict[int, str]:
    """For each referenced record (by `id`) that a record not the person's own still points
    to, which references those are: such a record is someone else's too, and stays."""
    own = {(r.system, r.collection, r.key) for r in records if r.via == OWN}
    referenced: dict[tuple[str, str], list[FoundRecord]] = {}
    for record in records:
        if record.via == REFERENCED:
            referenced.setdefault((record.system, record.collection), []).append(record)
    pointers: dict[int, list[str]] = {}
    for holder, target in foreign_keys(policy):
        group = referenced.get(target[:2], [])
        connector = connectors.get(holder[0])
        if not group or connector is None:
            continue
        values = {r.row.get(target[2]) for r in group} - {None}
        if not values:
            continue
        primary = connector.collection(holder[1]).primary_key
        counts: dict[str | None, int] = {}
        for row in connector.fetch(holder[1], {holder[2]: values}):
            key = tuple(row[n] for n in primary) if primary else _row_identity(row)
            if (holder[0], holder[1], key) not in own:
                counts[_loose(row.get(holder[2]))] = counts.get(_loose(row.get(holder[2])), 0) + 1
        where = holder[2] if holder[0] == target[0] else ".".join(holder)
        for record in group:
            count = counts.get(_loose(record.row.get(target[2])), 0)
            if count:
                place = f"{holder[1]}.{where}" if holder[0] == target[0] else where
                pointers.setdefault(id(record), []).append(f"{count} in {place}")
    return {
        key: "shared: other people's records still refer to it (" + ", ".join(places) + ")"
        for key, places in pointers.items()
    }


@dataclass(frozen=True)
class ErasurePlanned:
    """Every system's decisions, in the order of the found records."""

    decisions: dict[str, list[Decision]]

    def all(self) -> list[Decision]:
        return [d for group in self.decisions.values() for d in group]


def plan_request(
    *,
    session: Session,
    keyring: Keyring,
    policy: Policy,
    connectors: Mapping[str, Connector],
    records: Sequence[FoundRecord],
    systems: Collection_[str],
    today: date,
    person_hold: HoldReason | None,
) -> ErasurePlanned:
    """Decide for every record of `systems`, then refuse the whole plan if any part of it
    cannot be carried out (raises Conflict before anything is changed)."""
    shared = still_referred(policy, connectors, records)
    decisions: dict[str, list[Decision]] = {}
    # One read of the holds for every system (none at all when nothing was found).
    active = retention.list_holds(session=session) if records else []
    for system in systems:
        mine = [r for r in records if r.system == system]
        decisions[system] = planning.plan_erasure(
            policy=policy,
            records=mine,
            today=today,
            held=held_records(session, keyring, system, mine, active),
            person_hold=person_hold,
            shared=shared,
        )
    planned = ErasurePlanned(decisions)
    problems = unworkable(policy, connectors, planned)
    if problems:
        raise Conflict(
            "the erasure cannot be carried out as planned, so nothing was changed: "
            + "; ".join(problems),
            fix="give the collection a primary key (`primary_key: true`) or correct the "
            "dataset, then run the request again",
        )
    return planned


def predicate_of(decisions: Sequence[Decision]) -> dict[str, set[Any]]:
    """For rows without a primary key: the fields and values that selected them."""
    where: dict[str, set[Any]] = {}
    for decision in decisions:
        for name in decision.record.matched:
            value = decision.record.row.get(name)
            if value is not None:
                where.setdefault(name, set()).add(value)
    return where


def unworkable(
    policy: Policy, connectors: Mapping[str, Connector], planned: ErasurePlanned
) -> list[str]:
    """What in the plan cannot be done: changes to rows without a primary key that the rows'
    own values cannot pick out from the rest."""
    problems: list[str] = []
    for system, decisions in planned.decisions.items():
        by_collection: dict[str, list[Decision]] = {}
        for decision in decisions:
            by_collection.setdefault(decision.record.collection, []).append(decision)
        for name, group in by_collection.items():
            collection = collection_of(policy, system, name)
            changing = [d for d in group if d.changes_source]
            if collection.primary_key or not changing:
                continue
            place = f"{system}.{name} (no primary key)"
            connector = connectors.get(system)
            if connector is None or not connector.erases_by_predicate:
                problems.append(f"{place}: this kind of system erases rows by key only")
                continue
            if len({d.outcome for d in changing}) > 1 or any(
                d.record.via != OWN or not d.record.matched for d in changing
            ):
                problems.append(f"{place}: its rows to change cannot be told apart")
                continue
            if changing[0].outcome == ItemOutcome.ANONYMISED:
                plan = planning.anonymise_plan(collection)
                if any(f.strategy == "hash" for f in plan.fields):
                    problems.append(f"{place}: a keyed hash needs each row's key")
                    continue
            where = predicate_of(changing)
            wanted = {(f, _loose(v)) for f, values in where.items() for v in values}
            staying = [d for d in group if not d.changes_source]
            if any((f, _loose(d.record.row.get(f))) in wanted for d in staying for f in where):
                problems.append(
                    f"{place}: rows to keep share the values that select the rows to change"
                )
    return problems
