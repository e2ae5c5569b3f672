"""Declared tables and the set-based statements connectors run on them (SQLAlchemy Core).

Tables are built from the policy's declared fields only, never reflected: a column the dataset
does not declare is never selected. Every value is a bound parameter; `IN` lists expand into
batches of at most `MAX_IN` values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Column,
    ColumnElement,
    MetaData,
    Select,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.sql.sqltypes import NullType
from sqlalchemy.sql.util import ClauseAdapter

from dataward.connectors.base import ExpiryQuery, Key, RelatedDate, Row
from dataward.policy.schema import Collection, Condition, DatasetField

MAX_IN = 1000
# PostgreSQL single-column keys travel as one array parameter, so batches can be larger.
MAX_ARRAY = 10_000
# Dialects without row-value `IN` get an OR of ANDs; MSSQL allows 2,100 parameters a statement.
_MAX_PARAMS_WITHOUT_TUPLES = 2000
_TUPLE_IN = frozenset({"postgresql", "mysql", "mariadb", "sqlite"})

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def split_name(name: str) -> tuple[str | None, str]:
    """`schema.table` → (schema, table); a plain name has no schema."""
    schema, _, table = name.rpartition(".")
    return (schema or None), table


def coerce(field: DatasetField, value: Any) -> Any:
    """Give a value the declared type, so keys copied across systems compare on any database."""
    if value is None or field.data_type is None:
        return value
    kind = field.data_type.lower()
    try:
        if kind in ("string", "str", "text", "varchar"):
            return value if isinstance(value, str) else str(value)
        if kind in ("integer", "int", "bigint") and not isinstance(value, bool):
            return int(value)
    except ValueError:
        return value
    return value


class DeclaredTables:
    """The Table objects of one system's dataset, and the statements that act on them."""

    def __init__(
        self,
        collections: Iterable[Collection],
        *,
        dialect: str,
        default_schema: str | None = None,
        casefold_identities: bool = True,
    ) -> None:
        self.dialect = dialect
        self.casefold_identities = casefold_identities
        self._metadata = MetaData()
        self._collections = {c.name: c for c in collections}
        self._tables: dict[str, Table] = {}
        for collection in self._collections.values():
            schema, name = split_name(collection.name)
            columns = [Column(f.name, NullType(), key=f.name) for f in collection.fields]
            self._tables[collection.name] = Table(
                name, self._metadata, *columns, schema=schema or default_schema
            )

    def __contains__(self, collection: str) -> bool:
        return collection in self._collections

    def names(self) -> list[str]:
        return list(self._collections)

    def collection(self, name: str) -> Collection:
        return self._collections[name]

    def table(self, name: str) -> Table:
        return self._tables[name]

    def primary_key(self, name: str) -> list[str]:
        return self._collections[name].primary_key

    def row_key(self, collection: str, row: Row) -> Key:
        return tuple(row[name] for name in self.primary_key(collection))

    # Reading

    def fetch_batches(
        self, collection: str, where: Mapping[str, Iterable[Any]]
    ) -> Iterator[Select[Any]]:
        """One SELECT per batch of at most MAX_IN values, OR-ing the fields' IN lists."""
        table = self._tables[collection]
        for clause in self.match_batches(collection, where):
            yield select(*table.c).where(clause)

    def match_batches(
        self, collection: str, where: Mapping[str, Iterable[Any]]
    ) -> Iterator[ColumnElement[bool]]:
        """The fields' IN lists OR-ed, in batches of at most MAX_IN values: the rows a fetch
        selects, for erasing exactly those where there is no key to name them by."""
        info = self._collections[collection]
        table = self._tables[collection]
        pairs: list[tuple[str, Any]] = []
        for name, values in where.items():
            field = info.field(name)
            if field is None:
                raise KeyError(name)
            folded = self._folds(field)
            seen: dict[Any, None] = {}
            for value in values:
                if value is None:
                    continue
                value = coerce(field, value)
                seen[value.lower() if folded and isinstance(value, str) else value] = None
            pairs.extend((name, value) for value in seen)
        for batch in chunks(pairs, MAX_IN):
            by_field: dict[str, list[Any]] = {}
            for name, value in batch:
                by_field.setdefault(name, []).append(value)
            clauses = [
                self._match(table.c[name], info.field(name), values)
                for name, values in by_field.items()
            ]
            yield or_(*clauses)

    def _folds(self, field: DatasetField | None) -> bool:
        return self.casefold_identities and field is not None and field.identity == "email"

    def _match(
        self, column: ColumnElement[Any], field: DatasetField | None, values: list[Any]
    ) -> ColumnElement[bool]:
        # lower(column) is right whatever the column's collation; an index on the bare column
        # cannot serve it, so large tables want an expression index on lower(column), or
        # `identity_match: exact` when the system stores addresses already lower-cased.
        if self._folds(field):
            return func.lower(column).in_(values)
        return column.in_(values)

    # Keys

    def key_batches(self, collection: str, keys: Sequence[Key]) -> Iterator[Sequence[Key]]:
        width = len(self.primary_key(collection))
        if width == 1 and self.dialect == "postgresql":
            size = MAX_ARRAY  # one array parameter (see key_in): no bind-parameter limit
        elif width == 1 or self.dialect in _TUPLE_IN:
            size = MAX_IN
        else:
            size = max(1, min(MAX_IN, _MAX_PARAMS_WITHOUT_TUPLES // width))
        unique = list(dict.fromkeys(tuple(k) for k in keys))
        yield from chunks(unique, size)

    def key_in(self, collection: str, keys: Sequence[Key]) -> ColumnElement[bool]:
        """`pk IN (...)`: row values where the dialect has them, an OR of ANDs otherwise."""
        table = self._tables[collection]
        info = self._collections[collection]
        names = info.primary_key
        columns = [table.c[n] for n in names]
        fields = [info.field(n) for n in names]
        if any(f is not None and f.data_type for f in fields):
            typed = [
                tuple(coerce(f, v) if f else v for f, v in zip(fields, key, strict=True))
                for key in keys
            ]
        else:
            typed = [tuple(key) for key in keys]  # nothing declared to coerce to
        if not typed:
            return false()
        if len(columns) == 1:
            values = [k[0] for k in typed]
            array_type = self._array_type(fields[0], values)
            if isinstance(array_type, ARRAY) and isinstance(array_type.item_type, BigInteger):
                # Integers as one array literal the server parses: binding ten thousand
                # Python ints as an array took a tenth of a 1M-row sweep. Only integers are
                # written this way (their text cannot carry anything else).
                literal_array = "{" + ",".join(map(int.__repr__, values)) + "}"
                return columns[0] == any_(cast(bindparam(None, literal_array, Text()), array_type))
            if array_type is not None:
                # One array parameter instead of a thousand: PostgreSQL plans and binds
                # `= ANY(:keys)` about five times faster, which is most of a sweep's cost.
                return columns[0] == any_(bindparam(None, values, type_=array_type))
            return columns[0].in_(values)
        if self.dialect in _TUPLE_IN:
            return tuple_(*columns).in_(typed)
        return or_(*(and_(*(c == v for c, v in zip(columns, key, strict=True))) for key in typed))

    def _array_type(self, field: DatasetField | None, values: Sequence[Any]) -> ARRAY[Any] | None:
        """The PostgreSQL array type for these key values, or None to use a plain IN."""
        if self.dialect != "postgresql" or not values:
            return None
        if set(map(type, values)) == {int}:  # one pass in C; bool and int subclasses excluded
            return ARRAY(BigInteger())
        declared = (field.data_type or "").lower() if field else ""
        if declared in ("string", "text", "str") and all(isinstance(v, str) for v in values):
            return ARRAY(Text())  # only where declared text: a uuid column would not compare
        return None

    def key_after(self, collection: str, last: Key) -> ColumnElement[bool]:
        """Keyset pagination: rows whose primary key sorts after `last`."""
        columns = [self._tables[collection].c[n] for n in self.primary_key(collection)]
        if len(columns) == 1:
            after: ColumnElement[bool] = columns[0] > last[0]
            return after
        if self.dialect in _TUPLE_IN:
            return tuple_(*columns) > tuple_(*last)
        clauses: list[ColumnElement[bool]] = []
        for depth, column in enumerate(columns):
            equal = [c == v for c, v in zip(columns[:depth], last[:depth], strict=True)]
            clauses.append(and_(*equal, column > last[depth]))
        return or_(*clauses)

    # Retention

    def condition(self, collection: str, condition: Condition) -> ColumnElement[bool]:
        table = self._tables[collection]
        name = condition.field
        prefix = f"{collection}."
        if name.startswith(prefix):
            name = name[len(prefix) :]
        if name not in table.c:
            raise KeyError(name)
        column = table.c[name]
        # A bound literal: SQLAlchemy refuses `column < False` written plainly, and a rule may
        # order booleans (`active < true`) as SQL does.
        value = literal(condition.value)
        match condition.op:
            case "is null":
                return column.is_(None)
            case "is not null":
                return column.is_not(None)
            case "=":
                return column == value
            case "!=":
                # SQL's rule, as every kind reads it: a null is neither equal nor different.
                return column != value
            case "<":
                return column < value
            case "<=":
                return column <= value
            case ">":
                return column > value
            case ">=":
                return column >= value
        raise ValueError(f"unknown operator {condition.op!r}")

    def cutoff(self, value: date) -> Any:
        # SQLite keeps dates as ISO-8601 text; comparing text with text keeps the order right
        # ('2025-12-31 23:59' < '2026-01-01' <= '2026-01-01 00:00').
        return value.isoformat() if self.dialect == "sqlite" else value

    def _past_cutoff(self, query: ExpiryQuery) -> ColumnElement[bool]:
        if query.related is not None:
            return self._related_expired(query.collection, query.related, query.cutoff)
        if query.date_field is None:
            raise KeyError("date_field")
        past: ColumnElement[bool] = self._tables[query.collection].c[query.date_field] < (
            self.cutoff(query.cutoff)
        )
        return past

    def _expired_clauses(self, query: ExpiryQuery) -> list[ColumnElement[bool]]:
        clauses = [self.condition(query.collection, c) for c in query.conditions]
        return [*clauses, self._past_cutoff(query)]

    def expiry_total(self, query: ExpiryQuery) -> Select[Any] | None:
        """How many rows are expired, for a collection read against its own date (an index on
        the date serves it): pages stop once they have found that many. Without it the page
        after the last expired row walks the key index to the table's end (900,000 rows of a
        1M-row table, to find nothing)."""
        if query.related is not None:
            return None
        return select(func.count()).where(and_(*self._expired_clauses(query)))

    def expiry_page(self, query: ExpiryQuery, last: Key | None, limit: int) -> Select[Any]:
        """One keyset page of expired keys; the date test is a plain comparison on the column
        (or on the related collection's), so an index on it can serve the query."""
        collection = query.collection
        table = self._tables[collection]
        pk = [table.c[n] for n in self.primary_key(collection)]
        clauses = self._expired_clauses(query)
        if last is not None:
            clauses.append(self.key_after(collection, last))
        return select(*pk).where(and_(*clauses)).order_by(*pk).limit(limit)

    def expiry_counts(self, query: ExpiryQuery, cutoffs: Sequence[date]) -> Select[Any]:
        """One scan counting, per cutoff, the rows that would expire at it (own date only)."""
        table = self._tables[query.collection]
        if query.date_field is None:
            raise KeyError("date_field")
        column = table.c[query.date_field]
        counts = [
            func.coalesce(func.sum(case((column < self.cutoff(c), 1), else_=0)), 0) for c in cutoffs
        ]
        clauses = [self.condition(query.collection, c) for c in query.conditions]
        clauses.append(column < self.cutoff(max(cutoffs)))
        return select(*counts).where(and_(*clauses))

    def undecided_counts(self, query: ExpiryQuery) -> tuple[Select[Any], list[str]]:
        """One scan: rows past the cutoff whose own conditions are unknown (SQL gives null for
        the AND of them), then, per compared field, how many of those have it empty."""
        table = self._tables[query.collection]
        compared = [c for c in query.conditions if c.op not in ("is null", "is not null")]
        names = list(dict.fromkeys(c.field.rsplit(".", 1)[-1] for c in compared))
        joined = and_(*(self.condition(query.collection, c) for c in query.conditions))
        empty = [
            func.coalesce(func.sum(case((table.c[n].is_(None), 1), else_=0)), 0) for n in names
        ]
        statement = select(func.count(), *empty).where(
            self._past_cutoff(query), joined.self_group().is_(None)
        )
        return statement, names

    def _related_expired(
        self, collection: str, related: RelatedDate, cutoff: date
    ) -> ColumnElement[bool]:
        """Expired when a matching related row's date is before the cutoff and none is later or
        still open (null): with several related rows, the latest event counts."""
        local = self._tables[collection]
        other = self._tables[related.collection].alias("related")
        if related.local_field not in local.c:
            raise KeyError(related.local_field)
        for name in (related.remote_field, related.date_field):
            if name not in other.c:
                raise KeyError(name)
        joined = other.c[related.remote_field] == local.c[related.local_field]
        conditions = [
            self._aliased_condition(related.collection, other, c) for c in related.conditions
        ]
        date_column = other.c[related.date_field]
        old = exists().where(joined, *conditions, date_column < self.cutoff(cutoff))
        recent = exists().where(
            joined,
            *conditions,
            or_(date_column >= self.cutoff(cutoff), date_column.is_(None)),
        )
        return and_(old, ~recent)

    def _aliased_condition(
        self, collection: str, alias: Any, condition: Condition
    ) -> ColumnElement[bool]:
        result: ColumnElement[bool] = ClauseAdapter(alias).traverse(
            self.condition(collection, condition)
        )
        return result
