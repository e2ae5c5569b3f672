"""Rectification (Art 16): a corrected value reaches every field that holds that category.

The person says what is wrong in the policy's own words (`user.contact.phone_number=...`), so
one correction finds the phone number in the CRM, the billing system and the call recorder
alike, whatever each calls its column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from dataward.connectors.base import Key
from dataward.connectors.service import FoundRecord
from dataward.core.crypto import normalise_email, normalise_phone
from dataward.core.errors import UsageError
from dataward.policy.schema import Collection, Policy
from dataward.rights.holdings import covers


def parse_changes(pairs: Sequence[str]) -> dict[str, str]:
    """`--set user.contact.phone_number=+44...` pairs; each category at most once."""
    changes: dict[str, str] = {}
    for pair in pairs:
        category, sep, value = pair.partition("=")
        category = category.strip()
        if not sep or not category:
            raise UsageError(
                f"cannot read {pair!r}",
                fix="write CATEGORY=VALUE, e.g. --set user.contact.phone_number=+447700900123",
            )
        if category in changes:
            raise UsageError(f"{category} is set twice", fix="give each category once")
        changes[category] = value.strip()
    if not changes:
        raise UsageError(
            "a rectification needs at least one change",
            fix="add --set CATEGORY=VALUE, e.g. --set user.name=Alex Smith",
        )
    return changes


def normalise_change(category: str, value: str) -> str:
    """Phone numbers and emails are stored the way searches expect them."""
    leaf = category.rsplit(".", 1)[-1]
    if leaf in ("phone_number", "phone", "mobile"):
        return normalise_phone(value)
    if leaf == "email":
        return normalise_email(value)
    return value


def check_categories(policy: Policy, changes: Mapping[str, str]) -> None:
    """Refuse a category no system holds: a silent no-op would look like a correction."""
    declared = {
        category
        for system in policy.systems
        if system.dataset is not None
        for collection in system.dataset.collections
        for field in collection.fields
        for category in field.categories
    }
    for category in changes:
        if not any(covers(category, held) for held in declared):
            raise UsageError(
                f"no system in the policy holds data of category {category!r}",
                fix="use a category a dataset field declares, e.g. user.contact.phone_number",
            )


def field_changes(collection: Collection, changes: Mapping[str, str]) -> dict[str, str]:
    """Field → new value for the fields of this collection holding a changed category."""
    out: dict[str, str] = {}
    for field in collection.fields:
        if field.primary_key:
            continue
        matching = [
            category
            for category in changes
            if any(covers(category, mine) for mine in field.categories)
        ]
        if matching:
            # The most specific change wins: a new postcode is not overwritten by the new
            # address given for `user.contact.address` as a whole.
            out[field.name] = changes[max(matching, key=lambda c: c.count("."))]
    return out


@dataclass(frozen=True)
class Correction:
    """One collection's part of a rectification: these records get these field values."""

    system: str
    collection: str
    records: list[FoundRecord]
    values: dict[str, str]

    @property
    def keys(self) -> list[Key]:
        return [r.key for r in self.records]


def plan_rectification(
    *, policy: Policy, records: Sequence[FoundRecord], changes: Mapping[str, str]
) -> list[Correction]:
    by_place: dict[tuple[str, str], list[FoundRecord]] = {}
    for record in records:
        by_place.setdefault((record.system, record.collection), []).append(record)
    corrections: list[Correction] = []
    for (system_name, collection_name), found in by_place.items():
        system = policy.system(system_name)
        dataset = system.dataset if system else None
        collection = (
            next((c for c in dataset.collections if c.name == collection_name), None)
            if dataset
            else None
        )
        if collection is None:
            continue
        values = field_changes(collection, changes)
        if values:
            corrections.append(Correction(system_name, collection_name, found, values))
    return corrections
