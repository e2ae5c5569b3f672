"""Erasing rows of a collection without a primary key: by the values that selected them.

Fides accepts such collections (its sample shop's `visit` and `order_item`), and a search finds
their rows by an identity or a reference. With no key to name a row by, the erasure is the same
predicate the search used, as one DELETE or UPDATE per batch of values, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, update

from dataward.connectors.base import DEFAULT_MASK, ErasurePlan
from dataward.connectors.sql.client import TableClient


def erase_matching(
    client: TableClient, collection: str, where: Mapping[str, Iterable[Any]], plan: ErasurePlan
) -> int:
    """Delete the rows `where` selects, or blank the plan's fields on them; how many changed."""
    client.require(collection)
    for name in where:
        client.declared(collection, name)
    fixed: dict[str, Any] = {}
    removing = plan.delete_rows or any(f.strategy == "delete" for f in plan.fields)
    if not removing:
        for item in plan.fields:
            client.declared(collection, item.field)
            if item.strategy == "hash":
                raise client.fail(
                    f"{collection!r} has no primary key, so a keyed hash cannot be written back "
                    "row by row",
                    fix="use `erase: null` or `erase: mask` for its fields",
                )
            fixed[item.field] = (
                None
                if item.strategy == "null"
                else (item.mask if item.mask is not None else DEFAULT_MASK)
            )
        if not fixed:
            return 0
    table = client.tables.table(collection)
    count = 0
    with client.connection(f"erasing from {collection}", write=True) as connection:
        for clause in client.tables.match_batches(collection, where):
            statement = (
                delete(table).where(clause)
                if removing
                else update(table).where(clause).values(fixed)
            )
            result = connection.execute(statement)
            client.stats.queries += 1
            count += max(result.rowcount, 0)
    return count
