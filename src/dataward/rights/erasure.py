"""Deciding, record by record, what an erasure request does (Art 17).

Each record found on the person is erased or anonymised by its collection's declared strategy,
unless a legal hold or the collection's exemption keeps it; an exemption lasts until its
retention rule, applied to the record's own date, runs out. A record that a kept record points
to (a customer row under kept invoices) is anonymised instead of deleted, so the kept record
still refers to something and the source's foreign keys hold.

Only what is the person's is erased (connectors/provenance.py): a record the search reached
against a reference's direction (the product an order names) stays while anyone else's record
points to it, one reached only through such a record stays, and a collection holding no
personal data categories is never erased.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Collection as Collection_
from dataclasses import dataclass, replace
from datetime import date, datetime

from dataward.connectors.base import ErasurePlan, FieldErasure, Key, Row
from dataward.connectors.provenance import BEYOND, REFERENCED
from dataward.connectors.service import FoundRecord
from dataward.core.clock import london_date
from dataward.policy.expressions import Truth, add_period, empty_fields, judge_all
from dataward.policy.graph import foreign_keys
from dataward.policy.schema import (
    Collection,
    Condition,
    ErasureExemption,
    Policy,
    parse_where,
)
from dataward.rights.models import ItemOutcome

LEGAL_HOLD = "legal_hold"
# Grounds for keeping a record that is not the person's to erase.
NOT_PERSONAL = "not_personal_data"
NOT_PERSONAL_REASON = "its collection holds no personal data categories: never erased"
NOT_THEIRS = "not_the_persons"
NOT_THEIRS_REASON = "reached only through a record shared with others: not the person's"
SHARED = "shared_record"


def holds_personal_data(collection: Collection) -> bool:
    """Personal data is the `user` branch of the taxonomy; a collection whose fields name only
    others (`system.operations`: a product in the catalogue) holds none. One that names no
    categories at all is not known to hold none, and is treated as personal."""
    categories = [c for field in collection.fields for c in field.categories]
    return not categories or any(c == "user" or c.startswith("user.") for c in categories)


UNDECIDED = "undecided"


@dataclass(frozen=True)
class HoldReason:
    """Why a legal hold keeps a record, as far as the hold says."""

    reason: str
    review_on: date | None = None


@dataclass(frozen=True)
class Decision:
    record: FoundRecord
    outcome: ItemOutcome
    ground: str | None = None
    reason: str | None = None
    until_on: date | None = None

    @property
    def changes_source(self) -> bool:
        return self.outcome in (ItemOutcome.ERASED, ItemOutcome.ANONYMISED)


def as_date(value: object) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return london_date(value) if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return as_date(datetime.fromisoformat(value))
        except ValueError:
            return None
    return None


def matches(conditions: Iterable[Condition], row: Row) -> Truth:
    """The shared evaluator (SQL's rule): None when an empty field leaves it unknown."""
    return judge_all(conditions, row)


def collection_of(policy: Policy, system: str, name: str) -> Collection:
    declared = policy.system(system)
    dataset = declared.dataset if declared else None
    found = next((c for c in dataset.collections if c.name == name), None) if dataset else None
    if found is None:
        raise KeyError(f"the policy declares no collection {system}.{name}")
    return found


def _same(a: object, b: object) -> bool:
    return a is not None and b is not None and (a == b or str(a) == str(b))


class Index:
    """The found records, with the dataset behind each, looked up by place and by reference."""

    def __init__(self, policy: Policy, records: Sequence[FoundRecord]) -> None:
        self.policy = policy
        self.by_place: dict[tuple[str, str], list[FoundRecord]] = {}
        for record in records:
            self.by_place.setdefault((record.system, record.collection), []).append(record)
        # (holder system, collection) → [(holder field, referenced collection, its field)]:
        # only references within one system, since only those can be foreign keys.
        self.outgoing: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for holder, target in foreign_keys(policy):
            if holder[0] == target[0]:
                self.outgoing.setdefault(holder[:2], []).append((holder[2], target[1], target[2]))

    def collection(self, system: str, name: str) -> Collection:
        return collection_of(self.policy, system, name)

    def referenced(
        self, record: FoundRecord, skip: Collection_[str] = frozenset()
    ) -> list[FoundRecord]:
        """Records of the same system that this record's reference fields (but `skip`) point to."""
        out: list[FoundRecord] = []
        for field, collection, target_field in self.outgoing.get(
            (record.system, record.collection), []
        ):
            if field in skip:
                continue
            value = record.row.get(field)
            if value is None:
                continue
            for other in self.by_place.get((record.system, collection), []):
                if _same(other.row.get(target_field), value):
                    out.append(other)
        return out

    def linked(self, record: FoundRecord, collection: str) -> list[FoundRecord]:
        """Records of `collection` (same system) joined to this one by a declared reference,
        whichever of the two holds it."""
        system = record.system
        out = [r for r in self.referenced(record) if r.collection == collection]
        for field, target, target_field in self.outgoing.get((system, collection), []):
            if target != record.collection:
                continue
            value = record.row.get(target_field)
            for other in self.by_place.get((system, collection), []):
                if _same(other.row.get(field), value) and other not in out:
                    out.append(other)
        return out


def exemption_until(
    index: Index, collection: Collection, exemption: ErasureExemption, record: FoundRecord
) -> date | None:
    """When the exemption stops applying; None when that cannot be known yet (a contract that
    has not ended, a date that is not filled in): the record is kept while the ground lasts."""
    if exemption.until is None:
        return None
    rule = index.policy.retention.get(exemption.until)
    if rule is None:
        return None
    after = rule.after
    if collection.retention == exemption.until and collection.retention_after:
        after = collection.retention_after
    if "." in after:
        related, date_field = after.split(".", 1)
        dates = [as_date(r.row.get(date_field)) for r in index.linked(record, related)]
        known = [d for d in dates if d is not None]
        # Unfilled dates on any related row mean the event has not happened for all of them.
        if not known or len(known) < len(dates):
            return None
        start = max(known)
    else:
        start_or_none = as_date(record.row.get(after))
        if start_or_none is None:
            return None
        start = start_or_none
    return add_period(start, rule.parsed_period)


def _initial(
    index: Index,
    record: FoundRecord,
    today: date,
    held: Mapping[tuple[str, str, Key], HoldReason],
    person_hold: HoldReason | None,
    shared: Mapping[int, str],
) -> Decision:
    hold = person_hold or held.get((record.system, record.collection, record.key))
    if hold is not None:
        return Decision(record, ItemOutcome.HELD, LEGAL_HOLD, hold.reason, hold.review_on)
    collection = index.collection(record.system, record.collection)
    if not holds_personal_data(collection):
        return Decision(record, ItemOutcome.KEPT, NOT_PERSONAL, NOT_PERSONAL_REASON)
    if record.via == BEYOND:
        return Decision(record, ItemOutcome.KEPT, NOT_THEIRS, NOT_THEIRS_REASON)
    if record.via == REFERENCED and id(record) in shared:
        return Decision(record, ItemOutcome.KEPT, SHARED, shared[id(record)])
    exemption = collection.exemption
    conditions = parse_where(exemption.where) if exemption and exemption.where else []
    exempt = matches(conditions, record.row) if exemption is not None else False
    if exemption is not None and exempt is None:
        # The same rule as a retention sweep: a record the exemption cannot judge is neither
        # erased nor kept silently; it stays, named, until someone decides.
        empty = ", ".join(empty_fields(conditions, record.row))
        return Decision(
            record,
            ItemOutcome.KEPT,
            UNDECIDED,
            f"the exemption ({exemption.where}) cannot be judged: {empty} is empty; decide by hand",
        )
    if exemption is not None and exempt:
        until = exemption_until(index, collection, exemption, record)
        if until is None or until >= today:
            return Decision(
                record, ItemOutcome.KEPT, exemption.ground.value, exemption.reason, until
            )
    if collection.erase == "anonymise":
        return Decision(record, ItemOutcome.ANONYMISED)
    return Decision(record, ItemOutcome.ERASED)


def plan_erasure(
    *,
    policy: Policy,
    records: Sequence[FoundRecord],
    today: date,
    held: Mapping[tuple[str, str, Key], HoldReason] | None = None,
    person_hold: HoldReason | None = None,
    shared: Mapping[int, str] | None = None,
) -> list[Decision]:
    """One decision per found record, in the order the records were given. `shared`: why
    each referenced record that others' records still point to is kept, by `id(record)`."""
    index = Index(policy, records)
    decisions = {
        id(r): _initial(index, r, today, held or {}, person_hold, shared or {}) for r in records
    }
    # Anything that stays at the source keeps what it still points to, transitively: an
    # anonymised record whose plan blanks its reference field no longer points anywhere.
    queue = [d for d in decisions.values() if d.outcome != ItemOutcome.ERASED]
    while queue:
        decision = queue.pop()
        record = decision.record
        skip: frozenset[str] = frozenset()
        if decision.outcome == ItemOutcome.ANONYMISED:
            collection = index.collection(record.system, record.collection)
            plan = anonymise_plan(
                collection, keep=referenced_fields(policy, record.system, collection.name)
            )
            skip = frozenset(f.field for f in plan.fields)
        for target in index.referenced(record, skip):
            current = decisions[id(target)]
            if current.outcome == ItemOutcome.ERASED:
                decisions[id(target)] = replace(
                    current,
                    outcome=ItemOutcome.ANONYMISED,
                    reason="anonymised, not deleted: records kept for another reason point to it",
                )
                queue.append(decisions[id(target)])
    return [decisions[id(r)] for r in records]


def referenced_fields(policy: Policy, system: str, collection: str) -> frozenset[str]:
    """Fields of this collection that records of its own system point to: its keys, which an
    anonymised row keeps so foreign keys still hold. References from other systems are links
    for the search, not constraints: they may name an email, which must go."""
    return frozenset(
        target[2]
        for holder, target in foreign_keys(policy)
        if holder[0] == system and target[:2] == (system, collection)
    )


def anonymise_plan(
    collection: Collection,
    hasher: Callable[[str], str] | None = None,
    keep: Collection_[str] = frozenset(),
) -> ErasurePlan:
    """Blank what identifies the person; keep keys (the primary key and `keep`, the fields
    other records point to) and what the dataset says to keep."""
    fields: list[FieldErasure] = []
    for field in collection.fields:
        if field.primary_key or field.erase == "keep" or field.name in keep:
            continue
        if field.erase in ("null", "mask", "hash"):
            fields.append(FieldErasure(field.name, field.erase, field.mask))
        elif field.erase == "delete" or any(
            c == "user" or c.startswith("user.") for c in field.categories
        ):
            # A row that stays cannot lose one field by deletion: blank it instead.
            fields.append(FieldErasure(field.name, "null"))
    return ErasurePlan(delete_rows=False, fields=tuple(fields), hasher=hasher)


DELETE = ErasurePlan(delete_rows=True)


def plan_for(
    collection: Collection,
    outcome: ItemOutcome,
    hasher: Callable[[str], str] | None = None,
    keep: Collection_[str] = frozenset(),
) -> ErasurePlan | None:
    if outcome == ItemOutcome.ERASED:
        return DELETE
    if outcome == ItemOutcome.ANONYMISED:
        return anonymise_plan(collection, hasher, keep)
    return None


def sla_due_on(policy: Policy, start_on: date, systems: Iterable[str] | None = None) -> date | None:
    """The earliest promised erasure deadline (a rule's `erasure_sla`, e.g. 28 days for call
    recordings) among the collections in scope, counted from the day the request was
    authorised; None when no rule promises one."""
    chosen = set(systems) if systems is not None else None
    due: list[date] = []
    for system in policy.systems:
        if system.dataset is None or (chosen is not None and system.name not in chosen):
            continue
        for collection in system.dataset.collections:
            rule = policy.retention.get(collection.retention) if collection.retention else None
            if rule is not None and rule.sla_period is not None:
                due.append(add_period(start_on, rule.sla_period))
    return min(due) if due else None
