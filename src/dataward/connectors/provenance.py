"""Whose each found record is, by how the search reached it.

The search follows references both ways, which is right for access: a person's order leads to
the product it names and the address it ships to. Erasure must not take those for the person's
own. A record is the person's own (OWN) when an identity of theirs matches it, or when a
reference leads to it from an own record in the owning direction (a customer to their orders).
A record reached from an own record against that direction (`direction: to`, an order to its
product) is REFERENCED: possibly shared with other people. Anything reached only through such a
record is BEYOND the person altogether.

For an own record, `matched` names the fields by whose values it was selected (the identity
field, or the field holding the reference): a collection without a primary key is erased by
exactly that predicate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from dataward.connectors.base import Connector

if TYPE_CHECKING:
    from dataward.connectors.service import FoundRecord, Identities
    from dataward.policy.graph import Link

OWN = "own"
REFERENCED = "referenced"
BEYOND = "beyond"


def _loose(value: object) -> str | None:
    # Values met in the search compare as the search compared them: emails case-insensitively.
    return None if value is None else str(value).strip().lower()


def _seed_values(identities: Identities) -> dict[str, set[str]]:
    from dataward.connectors.service import phone_variants

    seeds: dict[str, set[str]] = {}
    for kind, values in identities.normalised().values.items():
        wanted = seeds.setdefault(kind, set())
        for value in values:
            spellings = phone_variants(value) if kind == "phone_number" else {value}
            wanted.update(s for s in (_loose(v) for v in spellings) if s)
    return seeds


def classify(
    records: Sequence[FoundRecord],
    connectors: Mapping[str, Connector],
    identities: Identities,
    links: Sequence[Link],
) -> list[FoundRecord]:
    """The records, each marked OWN, REFERENCED or BEYOND (see the module docstring)."""
    seeds = _seed_values(identities)
    via: dict[int, str] = {}
    matched: dict[int, set[str]] = {}
    by_node: dict[tuple[str, str], list[FoundRecord]] = {}
    for record in records:
        by_node.setdefault((record.system, record.collection), []).append(record)
        for item in connectors[record.system].collection(record.collection).fields:
            kind = "phone_number" if item.identity == "phone" else item.identity
            if kind and _loose(record.row.get(item.name)) in seeds.get(kind, set()):
                via[id(record)] = OWN
                matched.setdefault(id(record), set()).add(item.name)

    def spread(kind: str, owning: bool, sources: str) -> bool:
        changed = False
        for link in links:
            if link.owning != owning:
                continue
            source = by_node.get(link.source[:2], [])
            values = {
                _loose(r.row.get(link.source[2])) for r in source if via.get(id(r)) == sources
            }
            values.discard(None)
            if not values:
                continue
            for target in by_node.get(link.target[:2], []):
                if _loose(target.row.get(link.target[2])) not in values:
                    continue
                if kind == OWN:
                    matched.setdefault(id(target), set()).add(link.target[2])
                if id(target) not in via:
                    via[id(target)] = kind
                    changed = True
        return changed

    while spread(OWN, True, OWN):
        pass
    spread(REFERENCED, False, OWN)
    return [
        replace(
            r,
            via=via.get(id(r), BEYOND),
            matched=tuple(sorted(matched.get(id(r), ()))) if via.get(id(r)) == OWN else (),
        )
        for r in records
    ]
