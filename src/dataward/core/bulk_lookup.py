"""Lookups of many values at once, at the driver: `SELECT ... WHERE column IN (?, ?, ...)`.

A screen of a million-row list asks "which of these thousand values are there?" thousands of
times. Through the ORM each query is compiled afresh (an expanding IN is rendered per call);
here the SQL text is built once per chunk size and handed to the driver with its parameters,
in the driver's own placeholder style. Values are always parameters, never part of the text;
table and column names come from the models (quoted by the dialect), never from input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from dataward.core.errors import ConfigurationError

CHUNK = 1_000  # values per query: well under every supported database's limit on parameters


# The positional placeholder of each driver Dataward's own database runs on: sqlite3 (qmark),
# psycopg and PyMySQL (pyformat, which takes %s for positional parameters).
PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _placeholder(paramstyle: str) -> str:
    try:
        return PLACEHOLDERS[paramstyle]
    except KeyError:
        raise ConfigurationError(
            f"the driver of Dataward's database takes {paramstyle!r} parameters, which "
            "Dataward does not write",
            fix="use SQLite or PostgreSQL (postgresql+psycopg://) for DATAWARD_DATABASE_URL",
        ) from None


def _chunks(values: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@lru_cache(maxsize=256)
def _query(
    paramstyle: str,
    quote: Callable[[str], str],
    table: str,
    columns: tuple[str, ...],
    key: str,
    equal: tuple[str, ...],
    count: int,
) -> str:
    mark = _placeholder(paramstyle)
    conditions = [f"{quote(c)} = {mark}" for c in equal]
    marks = ", ".join([mark] * count)
    where = " AND ".join([*conditions, f"{quote(key)} IN ({marks})"])
    return f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WHERE {where}"


def rows_where_in(
    session: Session,
    *,
    table: str,
    columns: Sequence[str],
    key: str,
    values: Iterable[Any],
    equal: Sequence[tuple[str, Any]] = (),
) -> list[tuple[Any, ...]]:
    """`columns` of the rows of `table` whose `key` column is one of `values` (and each `equal`
    column has its value), one query per CHUNK values, in the session's transaction. Names are
    a model's (`Model.__tablename__` and its column names), never input."""
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    names, fixed = tuple(c for c, _ in equal), tuple(v for _, v in equal)
    found: list[tuple[Any, ...]] = []
    for chunk in _chunks(values, CHUNK):
        sql = _query(dialect.paramstyle, quote, table, tuple(columns), key, names, len(chunk))
        found.extend(tuple(row) for row in connection.exec_driver_sql(sql, (*fixed, *chunk)))
    return found


def present(
    session: Session,
    *,
    table: str,
    key: str,
    values: Iterable[Any],
    equal: Sequence[tuple[str, Any]] = (),
) -> set[Any]:
    """Which of `values` are in `key`'s column (among rows matching `equal`)."""
    rows = rows_where_in(session, table=table, columns=[key], key=key, values=values, equal=equal)
    return {row[0] for row in rows}
