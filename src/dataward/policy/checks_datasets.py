"""Dataset checks: primary keys, references that resolve and never loop, retention fields."""

from __future__ import annotations

from dataclasses import dataclass

from dataward.policy.checker import Checker, collection_named, did_you_mean
from dataward.policy.loader import PathKey
from dataward.policy.schema import Collection, DatasetField, Policy, System, parse_where


@dataclass(frozen=True)
class FieldRef:
    system: str
    collection: str
    field: str


def resolve_reference(policy: Policy, system: str, target: str) -> FieldRef | None:
    """`collection.field` within `system`, or `system.collection.field`; None if it names none.

    Field names may themselves hold dots (flattened Fides fields), so the shorter reading is
    tried first and each reading must name a declared field.
    """
    own = policy.system(system)
    head, _, rest = target.partition(".")
    if own is not None and own.dataset is not None and rest:
        collection = collection_named(own, head)
        if collection is not None and collection.field(rest) is not None:
            return FieldRef(system, head, rest)
    other = policy.system(head)
    if other is not None and other.dataset is not None and rest:
        name, _, field_name = rest.partition(".")
        collection = collection_named(other, name)
        if collection is not None and field_name and collection.field(field_name) is not None:
            return FieldRef(head, name, field_name)
    return None


def check_datasets(checker: Checker) -> None:
    """Primary keys where identities are, references that resolve and never loop."""
    edges: dict[tuple[str, str], list[tuple[tuple[str, str], PathKey]]] = {}
    for path, system, collection in checker.collection_paths():
        node = (system.name, collection.name)
        edges.setdefault(node, [])
        # A collection without a primary key is read, and erased by the values that found its
        # rows, in SQL systems (Fides accepts such collections); other kinds erase by key only.
        # A rejected `primary_key: maybe` was left out; do not also say the key is missing.
        if (
            not collection.primary_key
            and system.connector != "sql"
            and not checker.partial.altered(path)
        ):
            checker.warning(
                (*path, "name"),
                f"collection {collection.name!r} has no primary key: its records can be found "
                f"but a {system.connector} system cannot erase them",
                "mark its key field(s) `primary_key: true`",
            )
        for index, item in enumerate(collection.fields):
            if item.correctable:
                _check_correctable(checker, item, (*path, "fields", index, "correctable"))
            for number, reference in enumerate(item.references):
                where: PathKey = (*path, "fields", index, "references", number, "to")
                target = resolve_reference(checker.policy, system.name, reference.to)
                if target is None:
                    _dangling(checker, system, reference.to, where)
                    continue
                edges[node].append(((target.system, target.collection), where))
    _check_cycles(checker, edges)


def _check_correctable(checker: Checker, item: DatasetField, where: PathKey) -> None:
    """A person may correct a plain value about them, never what links or finds records."""
    if item.primary_key or item.references or item.identity:
        what = (
            "a primary key"
            if item.primary_key
            else "a reference"
            if item.references
            else ("an identity")
        )
        checker.error(
            where,
            f"field {item.name!r} is {what}: changing it from the privacy centre would break how"
            " records are found or linked",
            "drop `correctable` here; the person can still ask for a correction in a request",
        )
    elif not any(c.startswith("user.") for c in item.categories):
        checker.error(
            where,
            f"field {item.name!r} holds no personal data category (user.*), so there is nothing"
            " for the person to correct",
            "drop `correctable`, or give the field its user.* category",
        )


def _dangling(checker: Checker, system: System, target: str, where: PathKey) -> None:
    parts = target.split(".")
    if len(parts) < 2:
        checker.error(
            where,
            f"cannot read reference {target!r}",
            "write `collection.field`, or `system.collection.field` for another system",
        )
        return
    head = parts[0]
    if checker.partial.is_dropped("systems", head):
        return
    owner = checker.systems.get(head)
    if owner is not None and owner is not system:
        parts = parts[1:]
    else:
        owner = system
    if owner.dataset is None:
        return  # its dataset_file could not be read, and that was reported
    collection = collection_named(owner, parts[0])
    if collection is None:
        names = [c.name for c in owner.dataset.collections]
        if owner is not system:
            fix = did_you_mean(
                parts[0], names, f"collections of {owner.name!r}: {', '.join(names)}"
            )
            message = f"{target!r}: system {owner.name!r} has no collection {parts[0]!r}"
        elif any(s.dataset is None and s.dataset_file for s in checker.policy.systems):
            return  # `head` may be the Fides key of a dataset file that could not be read
        else:
            fix = did_you_mean(head, [*names, *checker.systems], "write `collection.field`")
            message = (
                f"{target!r}: no system, and no collection of {system.name!r}, is named {head!r}"
            )
        checker.error(where, message, fix)
        return
    field_name = ".".join(parts[1:])
    names = [f.name for f in collection.fields]
    fix = did_you_mean(field_name, names, f"fields of {collection.name!r}: {', '.join(names)}")
    checker.error(
        where, f"{target!r}: collection {collection.name!r} has no field {field_name!r}", fix
    )


def _check_cycles(
    checker: Checker, edges: dict[tuple[str, str], list[tuple[tuple[str, str], PathKey]]]
) -> None:
    """Children must reference parents only; a loop leaves no order to erase in (Tarjan's SCC)."""
    index: dict[tuple[str, str], int] = {}
    low: dict[tuple[str, str], int] = {}
    stack: list[tuple[str, str]] = []
    on_stack: set[tuple[str, str]] = set()
    components: list[list[tuple[str, str]]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, next_edge = work.pop()
            if next_edge == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if next_edge < len(targets):
                work.append((node, next_edge + 1))
                target = targets[next_edge][0]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    for component in components:
        members = set(component)
        loop = [
            (node, where)
            for node in component
            for target, where in edges.get(node, [])
            if target in members
        ]
        if not loop:
            continue
        _, where = min(loop, key=lambda item: checker.source.value(item[1]))
        names = sorted(f"{s}.{c}" for s, c in members)
        if len(names) == 1:
            message = f"collection {names[0]} references itself"
        else:
            message = f"references form a cycle among {', '.join(names[:-1])} and {names[-1]}"
        checker.error(
            where,
            message,
            "keep only references from a child to its parent (the field holding the other's key)",
        )


def check_retention_fields(checker: Checker) -> None:
    """The date a rule counts from, and the fields of its `where`, must exist where it is used."""
    rules = checker.policy.retention
    for path, system, collection in checker.collection_paths():
        if checker.partial.altered(path[:2]):
            continue  # a left-out date field or reference would make these guesses
        if collection.exemption is not None and collection.exemption.where:
            for condition in parse_where(collection.exemption.where):
                if collection.field(condition.field) is None:
                    checker.error(
                        (*path, "exemption", "where"),
                        f"collection {collection.name!r} has no field {condition.field!r}",
                        did_you_mean(
                            condition.field,
                            [f.name for f in collection.fields],
                            "declare the field, or change the exemption's `where`",
                        ),
                    )
        if collection.retention is None:
            if collection.retention_after is not None:
                checker.warning(
                    (*path, "retention_after"),
                    "retention_after has no effect without a retention rule",
                    "name the rule in `retention:`",
                )
            continue
        rule = rules.get(collection.retention)
        if rule is None:
            continue
        after = collection.retention_after or rule.after
        where: PathKey = (*path, "retention_after" if collection.retention_after else "retention")
        related = _trigger(checker, system, collection, after, where)
        for condition in rule.conditions:
            _where_field(checker, collection, related, condition.field, where)


def _joined(policy: Policy, system: System, first: Collection, second: Collection) -> bool:
    """A declared reference runs directly between the two collections, either way."""
    for one, other in ((first, second), (second, first)):
        for item in one.fields:
            for reference in item.references:
                target = resolve_reference(policy, system.name, reference.to)
                if target and target.system == system.name and target.collection == other.name:
                    return True
    return False


def _trigger(
    checker: Checker, system: System, collection: Collection, after: str, where: PathKey
) -> Collection | None:
    """Check the trigger date; return the related collection when it lives in another one."""
    if collection.field(after) is not None:
        return None
    fields = [f.name for f in collection.fields]
    head, _, rest = after.partition(".")
    related = collection_named(system, head) if rest else None
    if related is None:
        checker.error(
            where,
            f"the retention date {after!r} is not a field of collection {collection.name!r}",
            did_you_mean(
                after,
                fields,
                "set `retention_after:` to this collection's date field, or write "
                "`collection.field` for a date in a related collection",
            ),
        )
        return None
    if related is collection and related.field(rest) is not None:
        return None  # `customers.relationship_ended_on` on customers itself: its own field
    if related.field(rest) is None:
        names = [f.name for f in related.fields]
        checker.error(
            where,
            f"the retention date {after!r}: collection {head!r} has no field {rest!r}",
            did_you_mean(rest, names, f"fields of {head!r}: {', '.join(names)}"),
        )
        return None
    if not _joined(checker.policy, system, collection, related):
        checker.error(
            where,
            f"the retention date {after!r} is in collection {head!r}, but no reference joins it "
            f"to {collection.name!r}",
            f"declare the field of {collection.name!r} that holds {head!r}'s key with "
            f"`references: [{{to: {head}.<key field>}}]`",
        )
        return None
    return related


def _where_field(
    checker: Checker,
    collection: Collection,
    related: Collection | None,
    name: str,
    where: PathKey,
) -> None:
    """A condition's field is read from the collection, or from the related one."""
    candidates = [collection] if related is None else [collection, related]
    for candidate in candidates:
        if candidate.field(name) is not None:
            return
        head, _, rest = name.partition(".")
        if head == candidate.name and candidate.field(rest) is not None:
            return
    names = [f.name for c in candidates for f in c.fields]
    checker.error(
        where,
        f"the retention rule's `where` uses {name!r}, which collection {collection.name!r} "
        "does not have",
        did_you_mean(name, names, "use a field of this collection, or a different rule"),
    )


def check_opt_in_columns(checker: Checker) -> None:
    """A channel's `opt_in` columns must be declared fields: an objection writes them."""
    for name, channel in checker.policy.channels.items():
        for index, path in enumerate(channel.opt_in):
            system, _, rest = path.partition(".")
            if resolve_reference(checker.policy, system, rest) is None:
                checker.error(
                    ("channels", name, "opt_in", index),
                    f"{path!r} names no declared field",
                    "write system.collection.field of a field in that system's dataset",
                )
