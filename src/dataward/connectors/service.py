"""Finding one person's records across every connected system.

Identity seeds (email, phone number, custom identities) query the collections that declare
identity fields; the rows found then seed the collections that reference them, in topological
order and across systems (`system.collection.field`). Each collection is queried once per batch
of values, never once per row.

A reference on field F `{to: C.G}` says F holds the value of C.G (a foreign key: F's collection
is the child). Traversal follows it from C.G to F (a person's customer row leads to their
tickets) unless it says `direction: to`, which, as in Fides datasets, follows it from F to C.G
instead (an order leads to its delivery address). `direction: from` is the default spelled out.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dataward.connectors.base import Connector, Key, Row
from dataward.connectors.provenance import OWN, classify
from dataward.connectors.registry import KINDS, connect
from dataward.core.crypto import DEFAULT_REGION, normalise_identifier
from dataward.core.errors import PolicyError, Problem, UsageError
from dataward.policy.graph import (
    Link,
    Node,
    collection_nodes,
    ordered,
    traversal_links,
)
from dataward.policy.schema import System
from dataward.policy.service import LoadedPolicy


@dataclass
class Identities:
    """What we know identifies the person: identity type → normalised values."""

    values: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, *, email: str | None = None, phone: str | None = None, **others: str) -> Identities:
        raw: dict[str, set[str]] = {}
        if email:
            raw["email"] = {email}
        if phone:
            raw["phone_number"] = {phone}
        for kind, value in others.items():
            if value:
                raw[kind] = {value}
        return cls(raw).normalised()

    def normalised(self) -> Identities:
        merged: dict[str, set[str]] = {}
        for kind, values in self.values.items():
            # People and suppression name the kind "phone"; datasets say "phone_number".
            canonical = "phone_number" if kind == "phone" else kind
            kept = {normalise(canonical, v) for v in values if v and v.strip()}
            if kept:
                merged.setdefault(canonical, set()).update(kept)
        return Identities(merged)

    def __bool__(self) -> bool:
        return any(self.values.values())


def normalise(kind: str, value: str) -> str:
    """Emails compare case-insensitively; phone numbers as E.164 (UK numbers by default).

    The one normaliser (core.crypto's); a value it refuses is searched for as written, since
    a source system may hold an address or number no form would accept."""
    value = value.strip()
    try:
        return normalise_identifier(kind, value)[1]
    except UsageError:
        return value.lower() if kind == "email" else value


def phone_variants(value: str) -> set[str]:
    """The spellings a system may have stored a number in; all are matched by one `IN`, which
    an index on the column still serves (unlike stripping spaces in SQL)."""
    import phonenumbers  # here, not at the top: the web server need not load it to start

    variants = {value}
    try:
        number = phonenumbers.parse(value, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return variants
    formats = (
        phonenumbers.PhoneNumberFormat.E164,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.NATIONAL,
    )
    for style in formats:
        text = phonenumbers.format_number(number, style)
        variants.add(text)
        variants.add(text.replace(" ", ""))
    return variants


@dataclass(frozen=True)
class FoundRecord:
    system: str
    collection: str
    key: Key
    row: Row
    categories: dict[str, list[str]]  # field → its data categories, for fields holding a value
    via: str = OWN  # whose it is, by how the search reached it (see connectors/provenance.py)
    matched: tuple[str, ...] = ()  # for an own record, the fields it was selected by


@dataclass
class FoundSet:
    records: list[FoundRecord] = field(default_factory=list)
    files: dict[tuple[str, str, Key], list[Path]] = field(default_factory=dict)
    searched: list[Node] = field(default_factory=list)
    rows_scanned: int = 0

    def keys(self) -> dict[Node, list[Key]]:
        return keys_by_collection(self)

    def counts(self) -> dict[Node, int]:
        counts: dict[Node, int] = dict.fromkeys(self.searched, 0)
        for record in self.records:
            node = (record.system, record.collection)
            counts[node] = counts.get(node, 0) + 1
        return counts


def keys_by_collection(found: FoundSet) -> dict[Node, list[Key]]:
    """For each (system, collection) searched, the keys of the person's records there."""
    keys: dict[Node, list[Key]] = {}
    for record in found.records:
        keys.setdefault((record.system, record.collection), []).append(record.key)
    return keys


def open_connectors(
    loaded: LoadedPolicy,
    *,
    environ: Mapping[str, str] = os.environ,
    systems: Collection[str] | None = None,
) -> dict[str, Connector]:
    """Connectors for the named systems, or for every system of a known kind with a dataset
    (others, e.g. kept on paper, are handled by hand)."""
    chosen: list[System] = []
    if systems is None:
        chosen = [s for s in loaded.policy.systems if s.connector in KINDS and s.dataset]
    else:
        for name in systems:
            system = loaded.policy.system(name)
            if system is None:
                raise PolicyError(
                    problems=[
                        Problem(
                            str(loaded.path),
                            0,
                            0,
                            "systems",
                            f"no system named {name!r}",
                            fix=f"systems: {', '.join(s.name for s in loaded.policy.systems)}",
                        )
                    ]
                )
            chosen.append(system)
    opened: dict[str, Connector] = {}
    try:
        for system in chosen:
            opened[system.name] = connect(system, base_dir=loaded.base_dir, environ=environ)
    except BaseException:
        for connector in opened.values():
            connector.close()
        raise
    return opened


def find_person(
    loaded: LoadedPolicy, connectors: Mapping[str, Connector], identities: Identities
) -> FoundSet:
    """Every record of this person in the connected systems, with categories and files."""
    policy = loaded.policy
    seeds = identities.normalised()
    nodes = [n for n in collection_nodes(policy) if n[0] in connectors]
    links = [
        link
        for link in traversal_links(policy)
        if link.source[0] in connectors and link.target[0] in connectors
    ]
    order = ordered(
        nodes, [((k.source[0], k.source[1]), (k.target[0], k.target[1])) for k in links]
    )
    outgoing: dict[Node, list[Link]] = {}
    for link in links:
        outgoing.setdefault((link.source[0], link.source[1]), []).append(link)

    pending: dict[Node, dict[str, set[Any]]] = {}
    for system_name, collection_name in nodes:
        collection = connectors[system_name].collection(collection_name)
        for item in collection.fields:
            kind = "phone_number" if item.identity == "phone" else item.identity
            if kind and kind in seeds.values:
                values = seeds.values[kind]
                if kind == "phone_number":
                    values = {v for value in values for v in phone_variants(value)}
                wanted = pending.setdefault((system_name, collection_name), {})
                wanted.setdefault(item.name, set()).update(values)

    asked: dict[Node, dict[str, set[Any]]] = {}
    rows_by_node: dict[Node, dict[Key, Row]] = {}
    found = FoundSet()
    while pending:
        progressed = False
        for node in order:
            wanted = pending.pop(node, {})
            if not wanted:
                continue
            already = asked.setdefault(node, {})
            fresh = {
                name: values - already.get(name, set())
                for name, values in wanted.items()
                if values - already.get(name, set())
            }
            if not fresh:
                continue
            progressed = True
            for name, values in fresh.items():
                already.setdefault(name, set()).update(values)
            connector = connectors[node[0]]
            scanned = connector.stats.rows_scanned
            rows = connector.fetch(node[1], fresh)
            found.rows_scanned += connector.stats.rows_scanned - scanned
            if node not in found.searched:
                found.searched.append(node)
            primary = connector.collection(node[1]).primary_key
            known = rows_by_node.setdefault(node, {})
            new_rows = []
            for row in rows:
                key = tuple(row[n] for n in primary) if primary else _row_identity(row)
                if key not in known:
                    known[key] = row
                    new_rows.append(row)
            for link in outgoing.get(node, []):
                values = {row[link.source[2]] for row in new_rows}
                values.discard(None)
                if values:
                    target = pending.setdefault((link.target[0], link.target[1]), {})
                    target.setdefault(link.target[2], set()).update(values)
        if not progressed:
            break  # what is left had been asked already

    for node in nodes:
        _collect(found, node, connectors[node[0]], rows_by_node.get(node, {}))
    found.records = classify(found.records, connectors, seeds, links)
    return found


def _collect(found: FoundSet, node: Node, connector: Connector, rows: Mapping[Key, Row]) -> None:
    collection = connector.collection(node[1])
    has_files = any(f.file for f in collection.fields)
    for key, row in rows.items():
        categories = {
            f.name: list(f.categories)
            for f in collection.fields
            if f.categories and row.get(f.name) is not None
        }
        found.records.append(FoundRecord(node[0], node[1], key, row, categories))
        if has_files:
            paths = connector.files(node[1], [row])
            if paths:
                found.files[(node[0], node[1], key)] = paths


def _row_identity(row: Row) -> Key:
    return tuple(repr(item) for item in sorted(row.items(), key=lambda item: item[0]))
