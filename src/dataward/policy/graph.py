"""The policy's graph of collections: references between fields, and an order to erase in.

Needs only the policy, not a connection: the cross-system search (connectors/service.py), the
erasure plan and the retention plan all read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dataward.core.errors import PolicyError, Problem
from dataward.policy.schema import Policy, Reference

Node = tuple[str, str]  # (system, collection)
Address = tuple[str, str, str]  # (system, collection, field)


@dataclass(frozen=True)
class Link:
    """Values found in `source` seed a query on `target`."""

    source: Address
    target: Address
    owning: bool = True  # parent to child: what the source's owner owns; False for `to`


def resolve_reference(policy: Policy, system: str, reference: str) -> Address:
    """`collection.field` in the same system, or `system.collection.field` in another.

    Collection names may hold a dot (`schema.table`), so the longest declared name wins."""
    own = policy.system(system)
    collection, _, name = reference.rpartition(".")
    if own and own.dataset and any(c.name == collection for c in own.dataset.collections):
        return (system, collection, name)
    other_name, _, rest = reference.partition(".")
    other = policy.system(other_name)
    collection, _, name = rest.rpartition(".")
    if other and other.dataset and any(c.name == collection for c in other.dataset.collections):
        return (other_name, collection, name)
    raise PolicyError(
        problems=[
            Problem(
                "",
                0,
                0,
                f"systems.{system}",
                f"reference {reference!r} names no declared collection field",
                fix="write `collection.field`, or `system.collection.field` for another system",
            )
        ]
    )


def _direction(reference: Reference) -> str:
    # The schema's default is "to"; only an explicit "to" reverses the walk (see module doc).
    return reference.direction if "direction" in reference.model_fields_set else "from"


def foreign_keys(policy: Policy) -> list[tuple[Address, Address]]:
    """(holder, referenced) for every declared reference: the holder's collection is the child."""
    pairs: list[tuple[Address, Address]] = []
    for system in policy.systems:
        if system.dataset is None:
            continue
        for collection in system.dataset.collections:
            for item in collection.fields:
                for reference in item.references:
                    target = resolve_reference(policy, system.name, reference.to)
                    pairs.append(((system.name, collection.name, item.name), target))
    return pairs


def traversal_links(policy: Policy) -> list[Link]:
    links: list[Link] = []
    for system in policy.systems:
        if system.dataset is None:
            continue
        for collection in system.dataset.collections:
            for item in collection.fields:
                holder = (system.name, collection.name, item.name)
                for reference in item.references:
                    target = resolve_reference(policy, system.name, reference.to)
                    if _direction(reference) == "to":
                        links.append(Link(source=holder, target=target, owning=False))
                    else:
                        links.append(Link(source=target, target=holder))
    return links


def ordered(nodes: list[Node], edges: Iterable[tuple[Node, Node]]) -> list[Node]:
    """Topological order (each edge's first node before its second), stable in policy order;
    a cycle is broken at the earliest node in it rather than refused."""
    before: dict[Node, set[Node]] = {n: set() for n in nodes}
    for first, second in edges:
        if first != second and first in before and second in before:
            before[second].add(first)
    ordered: list[Node] = []
    placed: set[Node] = set()
    while len(ordered) < len(nodes):
        ready = [n for n in nodes if n not in placed and before[n] <= placed]
        if not ready:
            ready = [next(n for n in nodes if n not in placed)]
        for node in ready:
            ordered.append(node)
            placed.add(node)
    return ordered


def collection_nodes(policy: Policy) -> list[Node]:
    return [(s.name, c.name) for s in policy.systems if s.dataset for c in s.dataset.collections]


def erasure_order(policy: Policy) -> list[Node]:
    """Every collection, children before parents, so deleting in this order keeps foreign keys."""
    edges = [((h[0], h[1]), (r[0], r[1])) for h, r in foreign_keys(policy)]
    return ordered(collection_nodes(policy), edges)
