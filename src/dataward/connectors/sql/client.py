"""Runs the declared-table statements on an engine, counting queries and wrapping errors.

Shared by the sql kind and by the files kind's SQLite index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, bindparam, delete, inspect, select, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from dataward.connectors.base import (
    ConnectorStats,
    ErasurePlan,
    ExpiryQuery,
    Key,
    Row,
    Undecided,
    compares,
    field_values,
)
from dataward.connectors.sql.tables import DeclaredTables, coerce, split_name
from dataward.core.errors import ConnectorError


def driver_rows(result: CursorResult[Any]) -> list[tuple[Any, ...]]:
    """All rows as the driver's own tuples where no column needs SQLAlchemy's conversion (a
    key of integers or text): building SQLAlchemy's rows cost twice the query itself."""
    # SQLAlchemy keeps its per-column converters privately; not finding them means converting.
    processors = getattr(result._metadata, "_processors", None)
    if processors is None or any(processors):
        return [tuple(row) for row in result.all()]
    rows = list(result.cursor.fetchall())
    result.close()
    return rows


def describe(exc: BaseException) -> str:
    """The driver's own message, first line only: SQLAlchemy's text would repeat the statement
    and its parameters, which may be personal data."""
    original = getattr(exc, "orig", None) or exc
    lines = str(original).strip().splitlines()
    text = lines[0] if lines else type(original).__name__
    return text if len(text) <= 300 else text[:297] + "..."


class TableClient:
    """fetch / erase / rectify / expired / delete over the declared tables of one engine."""

    def __init__(
        self,
        *,
        system: str,
        engine: Callable[[], Engine],
        tables: DeclaredTables,
        stats: ConnectorStats,
        where: str,
    ) -> None:
        self.system = system
        self._engine = engine
        self.tables = tables
        self.stats = stats
        self.where = where  # the database, for messages (password hidden)
        # together()'s connection, per thread: a worker's connector serves several threads.
        self._local = threading.local()

    # Plumbing

    def fail(self, message: str, fix: str | None = None) -> ConnectorError:
        return ConnectorError(message, system=self.system, fix=fix)

    @contextmanager
    def connection(self, doing: str, *, write: bool = False) -> Iterator[Connection]:
        shared: Connection | None = getattr(self._local, "shared", None)
        try:
            engine = self._engine()
        except SQLAlchemyError as exc:
            raise self.fail(f"cannot open {self.where}: {describe(exc)}") from exc
        try:
            if shared is not None:  # inside together(): its transaction, committed there
                yield shared
                return
            with engine.begin() if write else engine.connect() as connection:
                yield connection
        except ConnectorError:
            raise
        except DBAPIError as exc:
            if exc.connection_invalidated or _is_connect_error(exc):
                raise self.fail(f"cannot reach {self.where}: {describe(exc)}") from exc
            raise self.fail(f"{doing}: {describe(exc)}") from exc
        except SQLAlchemyError as exc:
            raise self.fail(f"{doing}: {describe(exc)}") from exc

    @contextmanager
    def together(self) -> Iterator[None]:
        """What this thread does inside shares one transaction, committed when the block ends
        (rolled back, all of it, when anything in it fails)."""
        if getattr(self._local, "shared", None) is not None:
            yield
            return
        with self.connection("changing records", write=True) as connection:
            self._local.shared = connection
            try:
                yield
            finally:
                self._local.shared = None

    def require(self, collection: str, *, keyed: bool = False) -> None:
        if collection not in self.tables:
            raise self.fail(
                f"no collection {collection!r} is declared",
                fix=f"declared collections: {', '.join(self.tables.names())}",
            )
        if keyed and not self.tables.primary_key(collection):
            raise self.fail(
                f"collection {collection!r} declares no primary key",
                fix="mark its key field(s) with `primary_key: true`",
            )

    def declared(self, collection: str, name: str) -> None:
        if self.tables.collection(collection).field(name) is None:
            raise self.fail(
                f"collection {collection!r} has no declared field {name!r}",
                fix="declare the field in the dataset, or name one that is declared",
            )

    # Reading

    def fetch(self, collection: str, where: Mapping[str, Iterable[Any]]) -> list[Row]:
        self.require(collection)
        for name in where:
            self.declared(collection, name)
        keyed = bool(self.tables.primary_key(collection))
        rows: dict[Any, Row] = {}
        with self.connection(f"reading {collection}") as connection:
            for statement in self.tables.fetch_batches(collection, where):
                result = connection.execute(statement)
                self.stats.queries += 1
                for mapping in result.mappings():
                    row = dict(mapping)
                    self.stats.rows_scanned += 1
                    identity = (
                        self.tables.row_key(collection, row)
                        if keyed
                        else tuple(sorted(row.items(), key=lambda item: item[0]))
                    )
                    rows.setdefault(_hashable(identity), row)
        return list(rows.values())

    def rows_for_keys(
        self, connection: Connection, collection: str, keys: Sequence[Key], fields: Sequence[str]
    ) -> list[Row]:
        """The key fields and `fields` of those rows, in one SELECT per key batch."""
        table = self.tables.table(collection)
        names = list(dict.fromkeys([*self.tables.primary_key(collection), *fields]))
        found: list[Row] = []
        for batch in self.tables.key_batches(collection, keys):
            statement = select(*(table.c[n] for n in names)).where(
                self.tables.key_in(collection, batch)
            )
            result = connection.execute(statement)
            self.stats.queries += 1
            for mapping in result.mappings():
                found.append(dict(mapping))
                self.stats.rows_scanned += 1
        return found

    def _expiry(self, query: ExpiryQuery, build: Callable[[], Any]) -> Any:
        """A retention statement; a field the dataset does not declare is named plainly."""
        try:
            return build()
        except KeyError as exc:
            raise self.fail(
                f"the expiry of {query.collection!r} names field {exc.args[0]!r}, "
                "which the dataset does not declare",
                fix="declare the field, or correct the retention rule",
            ) from exc

    def expired(self, query: ExpiryQuery, *, batch_size: int = 1000) -> Iterator[list[Key]]:
        self.require(query.collection, keyed=True)
        if query.related is not None:
            self.require(query.related.collection)
        elif query.date_field is None:
            raise self.fail(f"the expiry of {query.collection!r} names no date field")
        last: Key | None = None
        left = float("inf")  # expired rows not yet paged through, once counted
        total = self._expiry(query, partial(self.tables.expiry_total, query))
        if total is not None:
            with self.connection(f"counting expired rows of {query.collection}") as connection:
                left = int(connection.execute(total).scalar_one())
                self.stats.queries += 1
            if not left:
                return
        while True:
            # A connection per page: a long read would hold the snapshot the caller deletes in.
            with self.connection(f"finding expired rows of {query.collection}") as connection:
                statement = self._expiry(
                    query, partial(self.tables.expiry_page, query, last, batch_size)
                )
                # fetchall, not row by row: a tenth of a sweep's time went on fetchone.
                keys = driver_rows(connection.execute(statement))
                self.stats.queries += 1
                self.stats.rows_scanned += len(keys)
            if keys:
                yield keys
            # Rows expiring after the count wait for the next sweep; rows gone since end a page.
            left -= len(keys)
            if len(keys) < batch_size or left <= 0:
                return
            last = keys[-1]

    def count_expiring(self, query: ExpiryQuery, cutoffs: Sequence[date]) -> list[int] | None:
        """Counts per cutoff in one query; None when the date is in a related collection."""
        self.require(query.collection)
        if query.related is not None or not cutoffs:
            return None
        with self.connection(f"counting expiring rows of {query.collection}") as connection:
            statement = self._expiry(query, lambda: self.tables.expiry_counts(query, cutoffs))
            row = connection.execute(statement).one()
            self.stats.queries += 1
        return [int(value) for value in row]

    def undecided(self, query: ExpiryQuery) -> Undecided:
        if not compares(query.conditions):
            return Undecided()
        self.require(query.collection)
        with self.connection(f"counting undecided rows of {query.collection}") as connection:
            statement, names = self._expiry(query, lambda: self.tables.undecided_counts(query))
            total, *empty = connection.execute(statement).one()
            self.stats.queries += 1
        return Undecided(int(total), {n: int(e) for n, e in zip(names, empty, strict=True) if e})

    # Changing

    def delete(
        self,
        collection: str,
        keys: Sequence[Key],
        *,
        before_commit: Callable[[list[Row]], None] | None = None,
        read: Sequence[str] = (),
    ) -> int:
        """Delete the rows in one transaction; `before_commit` gets the deleted rows' key and
        `read` fields once they are gone, and a failure there rolls the deletion back."""
        self.require(collection, keyed=True)
        table = self.tables.table(collection)
        count = 0
        with self.connection(f"deleting from {collection}", write=True) as connection:
            gone: list[Row] = []
            for batch in self.tables.key_batches(collection, keys):
                if before_commit is not None:
                    gone.extend(self.rows_for_keys(connection, collection, batch, read))
                result = connection.execute(
                    delete(table).where(self.tables.key_in(collection, batch))
                )
                self.stats.queries += 1
                count += max(result.rowcount, 0)
            if before_commit is not None:
                before_commit(gone)
        return count

    def erase(self, collection: str, keys: Sequence[Key], plan: ErasurePlan) -> int:
        if plan.removes_rows:
            return self.delete(collection, keys)
        self.require(collection, keyed=True)
        values = field_values(plan, self.tables.collection(collection), system=self.system)
        if not values:
            return 0
        fixed, hashed = values.fixed, values.hashed
        table = self.tables.table(collection)
        count = 0
        with self.connection(f"erasing fields of {collection}", write=True) as connection:
            for batch in self.tables.key_batches(collection, keys):
                if not hashed:
                    result = connection.execute(
                        update(table).where(self.tables.key_in(collection, batch)).values(fixed)
                    )
                    self.stats.queries += 1
                    count += max(result.rowcount, 0)
                    continue
                count += self._erase_hashed(connection, collection, batch, fixed, hashed, plan)
        return count

    def _erase_hashed(
        self,
        connection: Connection,
        collection: str,
        batch: Sequence[Key],
        fixed: Mapping[str, Any],
        hashed: Sequence[str],
        plan: ErasurePlan,
    ) -> int:
        """A keyed hash cannot be computed in the source database (the key stays with us): read
        the values, hash them here, and write them back in one executemany UPDATE."""
        assert plan.hasher is not None
        hasher = plan.hasher
        table = self.tables.table(collection)
        pk = self.tables.primary_key(collection)
        rows = self.rows_for_keys(connection, collection, batch, hashed)
        if not rows:
            return 0
        statement = (
            update(table)
            .where(*(table.c[n] == bindparam(f"dw_key_{i}") for i, n in enumerate(pk)))
            .values(
                {
                    **{n: bindparam(f"dw_hash_{i}") for i, n in enumerate(hashed)},
                    **fixed,
                }
            )
        )
        parameters = [
            {
                **{f"dw_key_{i}": row[n] for i, n in enumerate(pk)},
                **{
                    f"dw_hash_{i}": None if row[n] is None else hasher(str(row[n]))
                    for i, n in enumerate(hashed)
                },
            }
            for row in rows
        ]
        connection.execute(statement, parameters)
        self.stats.queries += 1
        return len(rows)

    def rectify(self, collection: str, keys: Sequence[Key], changes: Mapping[str, Any]) -> int:
        self.require(collection, keyed=True)
        info = self.tables.collection(collection)
        for name in changes:
            self.declared(collection, name)
        table = self.tables.table(collection)
        count = 0
        with self.connection(f"rectifying {collection}", write=True) as connection:
            for batch in self.tables.key_batches(collection, keys):
                matched = 0
                # One UPDATE per field, so a value the column refuses is pinned to its field.
                for name, value in changes.items():
                    field = info.field(name)
                    statement = (
                        update(table)
                        .where(self.tables.key_in(collection, batch))
                        .values({name: coerce(field, value) if field else value})
                    )
                    try:
                        result = connection.execute(statement)
                    except DBAPIError as exc:
                        raise self.fail(
                            f"collection {collection!r}, field {name!r} cannot hold the value "
                            f"given: {describe(exc)}",
                            fix="correct the value to suit the field's type and constraints",
                        ) from exc
                    self.stats.queries += 1
                    matched = max(matched, max(result.rowcount, 0))
                count += matched
        return count

    # Checking

    def check_schema(self) -> list[str]:
        """Every declared table and column exists; returns the problems found."""
        problems: list[str] = []
        with self.connection("inspecting the schema") as connection:
            inspector = inspect(connection)
            for name in self.tables.names():
                table = self.tables.table(name)
                schema = table.schema
                _, bare = split_name(name)
                if not inspector.has_table(bare, schema=schema):
                    problems.append(f"table {name!r} not found")
                    continue
                columns = {c["name"] for c in inspector.get_columns(bare, schema=schema)}
                folded = {c.lower() for c in columns}
                missing = [
                    f.name
                    for f in self.tables.collection(name).fields
                    if f.name not in columns and f.name.lower() not in folded
                ]
                if missing:
                    problems.append(f"table {name!r} has no column {', '.join(missing)}")
                self.stats.queries += 1
        return problems


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def _is_connect_error(exc: DBAPIError) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return any(
        marker in text
        for marker in (
            "connection refused",
            "can't connect",
            "could not connect",
            "connection to server",
            "timeout expired",
            "timed out",
            "unable to open database",
            "name or service not known",
        )
    )
