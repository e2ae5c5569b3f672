"""What a sweep does to each collection: the rule, its cutoff, the expiry query, the action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dataward.connectors.base import ErasurePlan, ExpiryQuery, FieldErasure, RelatedDate
from dataward.consent import service as consent
from dataward.core.errors import UsageError
from dataward.policy.graph import erasure_order
from dataward.policy.schema import (
    Collection,
    Condition,
    ErasureExemption,
    Policy,
    RetentionAction,
    RetentionRule,
    System,
    parse_where,
)
from dataward.retention.periods import expiry_cutoff


@dataclass(frozen=True)
class Exemption:
    """Rows matching every condition are kept past the period, for the stated ground."""

    label: str
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Target:
    system: str
    collection: str
    rule_name: str
    rule: RetentionRule
    cutoff: date
    query: ExpiryQuery
    key_fields: tuple[str, ...]
    exemptions: tuple[Exemption, ...] = ()
    anonymise_fields: tuple[FieldErasure, ...] = ()
    # (field, kind) of the addresses a `suppress: true` rule keeps on the suppression list.
    suppress: tuple[tuple[str, str], ...] = ()

    @property
    def action(self) -> RetentionAction:
        return self.rule.action

    @property
    def label(self) -> str:
        return f"{self.system}/{self.collection}"

    def erasure_plan(self, hasher: Callable[[str], str] | None) -> ErasurePlan:
        return ErasurePlan(delete_rows=False, fields=self.anonymise_fields, hasher=hasher)


def _split(name: str) -> tuple[str | None, str]:
    if "." in name:
        owner, field = name.rsplit(".", 1)
        return owner.rsplit(".", 1)[-1], field
    return None, name


def _reference_between(system: System, local: Collection, remote: Collection) -> tuple[str, str]:
    """(local field, remote field) holding the same value, from references on either side."""
    for field in local.fields:
        for ref in field.references:
            parts = ref.to.split(".")
            if (
                len(parts) >= 2
                and parts[-2] == remote.name
                and (len(parts) == 2 or parts[-3] == system.name)
            ):
                return field.name, parts[-1]
    for field in remote.fields:
        for ref in field.references:
            parts = ref.to.split(".")
            if (
                len(parts) >= 2
                and parts[-2] == local.name
                and (len(parts) == 2 or parts[-3] == system.name)
            ):
                return parts[-1], field.name
    raise UsageError(
        f"collection {system.name}/{local.name} counts its retention from "
        f"{remote.name}, but no field references one to the other",
        fix=f"add `references: [{{to: {remote.name}.<key field>}}]` to the field of "
        f"{local.name} that holds it",
    )


def _collection(system: System, name: str) -> Collection:
    dataset = system.dataset
    found = next((c for c in dataset.collections if c.name == name), None) if dataset else None
    if found is None:
        raise UsageError(f"system {system.name!r} has no collection {name!r}")
    return found


def expiry_query(
    system: System, collection: Collection, rule: RetentionRule, cutoff: date
) -> ExpiryQuery:
    """The rule's trigger as a query: a date field here, or in a referenced collection."""
    owner, date_field = _split(collection.retention_after or rule.after)
    local: list[Condition] = []
    remote: list[Condition] = []
    for condition in rule.conditions:
        where, field = _split(condition.field)
        if where is None or where == collection.name:
            local.append(condition.model_copy(update={"field": field}))
        elif where == owner:
            remote.append(condition.model_copy(update={"field": field}))
        else:
            raise UsageError(
                f"rule condition {condition.field!r} names {where!r}, which is neither "
                f"{collection.name!r} nor the collection its date comes from",
            )
    if owner is None or owner == collection.name:
        if remote:
            raise UsageError("conditions on another collection need a date from it too")
        return ExpiryQuery(
            collection=collection.name,
            cutoff=cutoff,
            date_field=date_field,
            conditions=tuple(local),
        )
    related = _collection(system, owner)
    local_field, remote_field = _reference_between(system, collection, related)
    return ExpiryQuery(
        collection=collection.name,
        cutoff=cutoff,
        conditions=tuple(local),
        related=RelatedDate(
            collection=related.name,
            date_field=date_field,
            local_field=local_field,
            remote_field=remote_field,
            conditions=tuple(remote),
        ),
    )


def exemptions_of(rule: RetentionRule, collection: Collection) -> tuple[Exemption, ...]:
    """The rule's exemptions (each a `where`) and the collection's own erasure exemption."""
    found: list[Exemption] = []
    for text in rule.exemptions:
        try:
            conditions = parse_where(text)
        except ValueError as exc:
            raise UsageError(f"retention exemption {text!r}: {exc}") from exc
        found.append(Exemption(label=text, conditions=tuple(conditions)))
    exemption: ErasureExemption | None = collection.exemption
    if exemption is not None and exemption.where and exemption.until is None:
        # An open-ended exemption (a live claim, a running contract) outlasts any period.
        found.append(
            Exemption(
                label=f"{exemption.ground.value}: {exemption.reason}",
                conditions=tuple(parse_where(exemption.where)),
            )
        )
    return tuple(found)


def anonymise_fields(collection: Collection) -> tuple[FieldErasure, ...]:
    fields: list[FieldErasure] = []
    for field in collection.fields:
        if field.primary_key or field.erase in (None, "keep"):
            continue
        # Within a kept row a field cannot be deleted on its own: blank it.
        strategy = "null" if field.erase == "delete" else field.erase
        fields.append(FieldErasure(field=field.name, strategy=strategy, mask=field.mask))
    return tuple(fields)


def suppressed_fields(collection: Collection) -> tuple[tuple[str, str], ...]:
    """(field, kind) of each email or phone identity field of the collection."""
    pairs: list[tuple[str, str]] = []
    for field in collection.fields:
        kind = consent.identifier_kind(field.identity) if field.identity else None
        if kind is not None:
            pairs.append((field.name, kind))
    return tuple(pairs)


def sweep_targets(
    policy: Policy,
    *,
    today: date,
    system: str | None = None,
    collection: str | None = None,
    rule: str | None = None,
    dispose: bool = False,
) -> list[Target]:
    """Every collection naming a retention rule, children before parents within a system.

    `dispose` turns a `review` rule into deletion: a reviewer decided the records go."""
    if system is not None and policy.system(system) is None:
        names = ", ".join(s.name for s in policy.systems) or "none"
        raise UsageError(f"the policy has no system {system!r}", fix=f"systems: {names}")
    order = {pair: index for index, pair in enumerate(erasure_order(policy))}
    targets: list[Target] = []
    for sys in policy.systems:
        if (system is not None and sys.name != system) or sys.dataset is None:
            continue
        for coll in sys.dataset.collections:
            if coll.retention is None or (collection is not None and coll.name != collection):
                continue
            if rule is not None and coll.retention != rule:
                continue
            declared = policy.retention.get(coll.retention)
            if declared is None:
                raise UsageError(
                    f"collection {sys.name}/{coll.name} names retention rule "
                    f"{coll.retention!r}, which the policy does not define",
                    fix="run `dataward check` on the policy",
                )
            applied = (
                declared.model_copy(update={"action": RetentionAction.DELETE})
                if dispose and declared.action == RetentionAction.REVIEW
                else declared
            )
            cutoff = expiry_cutoff(today, applied.parsed_period)
            fields = anonymise_fields(coll)
            if applied.action == RetentionAction.ANONYMISE and not fields:
                raise UsageError(
                    f"rule {coll.retention!r} anonymises {sys.name}/{coll.name}, but none of "
                    "its fields says how",
                    fix="give the personal fields `erase: null`, `mask` or `hash`",
                )
            if not coll.primary_key:
                raise UsageError(
                    f"collection {sys.name}/{coll.name} has a retention rule but no primary key",
                    fix="mark its key field with `primary_key: true`",
                )
            targets.append(
                Target(
                    system=sys.name,
                    collection=coll.name,
                    rule_name=coll.retention,
                    rule=applied,
                    cutoff=cutoff,
                    query=expiry_query(sys, coll, applied, cutoff),
                    key_fields=tuple(coll.primary_key),
                    exemptions=exemptions_of(applied, coll),
                    anonymise_fields=fields,
                    suppress=suppressed_fields(coll) if applied.suppress else (),
                )
            )
    if (collection is not None or rule is not None) and not targets:
        what = f"collection {collection!r}" if collection is not None else f"rule {rule!r}"
        raise UsageError(f"no {what} with a retention rule was found")
    return sorted(targets, key=lambda t: order.get((t.system, t.collection), len(order)))
