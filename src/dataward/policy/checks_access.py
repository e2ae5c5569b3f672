"""The privileged-access part of the data map, checked: what each source names exists."""

from __future__ import annotations

from dataward.policy.checker import Checker, did_you_mean
from dataward.policy.schema import EVENT_FIELDS, Collection


def check_access(checker: Checker) -> None:
    _check_sources(checker)
    _check_card_scan(checker)


def _collection(checker: Checker, system: str, name: str) -> Collection | None:
    declared = checker.systems.get(system)
    dataset = declared.dataset if declared else None
    return next((c for c in dataset.collections if c.name == name), None) if dataset else None


def _check_sources(checker: Checker) -> None:
    seen: set[str] = set()
    for index, source in enumerate(checker.policy.access_sources):
        path = checker.at("access_sources", index)
        if source.name in seen:
            checker.error((*path, "name"), f"access source {source.name!r} is declared twice")
        seen.add(source.name)
        for field in source.mapping:
            if field not in EVENT_FIELDS:
                fix = did_you_mean(field, EVENT_FIELDS, "fields: " + ", ".join(EVENT_FIELDS))
                checker.error((*path, "mapping", field), f"no register field {field!r}", fix)
        if source.system is None:
            if source.collection or source.cursor:
                checker.error(
                    (*path, "collection" if source.collection else "cursor"),
                    "only a source read from a system's table has a collection and a cursor",
                    "add `system:`, or remove them",
                )
            continue
        if source.system not in checker.systems:
            fix = did_you_mean(source.system, checker.systems, "name a declared system")
            checker.error((*path, "system"), f"no system named {source.system!r}", fix)
            continue
        if not source.collection or not source.cursor:
            checker.error(
                (*path, "system"),
                "a source read from a table needs `collection:` and `cursor:`",
                "e.g. `collection: sessions`, `cursor: id` (a column that only grows)",
            )
            continue
        collection = _collection(checker, source.system, source.collection)
        if collection is None:
            checker.error(
                (*path, "collection"),
                f"system {source.system!r} declares no collection {source.collection!r}",
            )
            continue
        wanted = [source.cursor, *(source.mapping.get(f, f) for f in ("event_id", "started_at"))]
        for column in wanted:
            if collection.field(column) is None:
                checker.error(
                    (*path, "cursor" if column == source.cursor else "mapping"),
                    f"{source.system}.{source.collection} declares no field {column!r}",
                    "declare it in the dataset, or map the register field to a declared one",
                )


def _check_card_scan(checker: Checker) -> None:
    scan = checker.policy.card_scan
    for index, name in enumerate(scan.systems):
        if name not in checker.systems:
            fix = did_you_mean(name, checker.systems, "name a declared system")
            checker.error(("card_scan", "systems", index), f"no system named {name!r}", fix)
    for index, dotted in enumerate(scan.fields):
        system, _, rest = dotted.partition(".")
        collection_name, _, field = rest.partition(".")
        collection = _collection(checker, system, collection_name)
        if collection is None or collection.field(field) is None:
            checker.error(
                ("card_scan", "fields", index),
                f"no declared field {dotted!r}",
                "write system.collection.field, naming a field of a dataset",
            )
