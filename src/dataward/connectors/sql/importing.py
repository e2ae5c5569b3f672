"""Rows of a list (text, as a CSV gives them) inserted into a declared table.

Each value is read as the column's type, learnt from the database itself: `true`/`false` for a
boolean, ISO dates and moments, numbers; an empty cell is NULL. Only declared fields are
written, so an import cannot fill a column the data map does not know about.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import MetaData, Table, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import Boolean, Date, DateTime, Float, Integer, Numeric

from dataward.connectors.sql.client import TableClient, describe

TRUE, FALSE = {"true", "t", "yes", "y", "1"}, {"false", "f", "no", "n", "0"}


def _typed(column_type: Any, text: str) -> Any:
    value = text.strip()
    if value == "":
        return None
    if isinstance(column_type, Boolean):
        lowered = value.lower()
        if lowered not in TRUE | FALSE:
            raise ValueError(f"{text!r} is not true or false")
        return lowered in TRUE
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, Integer):
        return int(value)
    if isinstance(column_type, Float):
        return float(value)
    if isinstance(column_type, Numeric):
        try:
            return Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(f"{text!r} is not a number") from exc
    return text


def insert_rows(client: TableClient, collection: str, rows: Sequence[Mapping[str, str]]) -> int:
    """Insert the rows; a value its column cannot hold fails the batch, naming the field."""
    client.require(collection)
    if not rows:
        return 0
    names = list(rows[0])
    for name in names:
        client.declared(collection, name)
    declared = client.tables.table(collection)
    with client.connection(f"importing into {collection}", write=True) as connection:
        actual = Table(declared.name, MetaData(), schema=declared.schema, autoload_with=connection)
        typed: list[dict[str, Any]] = []
        for number, row in enumerate(rows, start=1):
            values: dict[str, Any] = {}
            for name in names:
                try:
                    values[name] = _typed(actual.c[name].type, row.get(name, ""))
                except (ValueError, KeyError) as exc:
                    raise client.fail(
                        f"row {number} of the import: field {name!r} cannot hold the value "
                        f"given ({exc})",
                        fix="correct the list, or leave the cell empty",
                    ) from exc
            typed.append(values)
        try:
            connection.execute(insert(actual), typed)
        except DBAPIError as exc:
            raise client.fail(
                f"importing into {collection!r}: {describe(exc)}",
                fix="correct the list to suit the table's constraints",
            ) from exc
        client.stats.queries += 1
    return len(typed)
