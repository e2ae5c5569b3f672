"""Building an example's sample systems: SQL databases and folders of files with an index.

A generator declares its systems up front (`SqlSystem`, `FolderSystem`, each with the
SQLAlchemy tables the real product would have), then fills them. By default every database is
a SQLite file under the output folder; `urls` moves any SQL system to a PostgreSQL or MariaDB
database the caller created. A folder system is laid out the way the `files` connector reads
it: the files themselves, plus an index SQLite database with one table per collection whose
`file` column holds each file's path relative to the folder.
"""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, Integer, MetaData, Table, create_engine, event, text
from sqlalchemy.engine import make_url

from dataward.core.errors import UsageError

ENV_FILE = "systems.env"


@dataclass(frozen=True)
class SqlSystem:
    """A relational system: the policy reaches it through `connection: {url_env: ...}`."""

    name: str
    env_var: str
    metadata: MetaData


@dataclass(frozen=True)
class FolderSystem:
    """A folder of files: the policy reaches it through `connection: {path_env:, index:}`."""

    name: str
    env_var: str
    metadata: MetaData
    index: str = "index.sqlite"


def _sqlite_loading_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Sample data must obey its foreign keys, as the real product's database would.
    cursor.execute("PRAGMA foreign_keys=ON")
    # A half-written sample database is simply generated again, so skip the fsyncs that
    # would otherwise dominate the run on a busy disk.
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def _engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_loading_pragmas)
    return engine


def _batches(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class PendingRows:
    """Rows built in memory before loading, numbered per table as the product would number
    them, so children can point at their parents before anything is inserted."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = {}

    def add(self, table: str, **values: Any) -> int:
        rows = self.tables.setdefault(table, [])
        new_id = len(rows) + 1
        rows.append({"id": new_id, **values})
        return new_id

    def count(self, table: str) -> int:
        return len(self.tables.get(table, ()))


class Database:
    """One system's database, open for bulk loading."""

    def __init__(self, system: str, engine: Engine, metadata: MetaData) -> None:
        self.system = system
        self.engine = engine
        self.metadata = metadata
        self.rows: dict[str, int] = {}

    def table(self, name: str) -> Table:
        try:
            return self.metadata.tables[name]
        except KeyError:
            raise KeyError(f"system {self.system!r} has no table {name!r}") from None

    def insert(
        self, table: str, rows: Iterable[Mapping[str, Any]], *, batch_size: int = 5000
    ) -> int:
        """Insert rows in executemany batches inside one transaction; return how many."""
        target = self.table(table)
        count = 0
        with self.engine.begin() as connection:
            for batch in _batches(rows, batch_size):
                connection.execute(target.insert(), batch)
                count += len(batch)
        self.rows[table] = self.rows.get(table, 0) + count
        return count

    def load(self, pending: PendingRows) -> None:
        """Insert every pending table, parents before children."""
        unknown = sorted(set(pending.tables) - set(self.metadata.tables))
        if unknown:
            raise KeyError(f"system {self.system!r} has no table {', '.join(unknown)}")
        for table in self.metadata.sorted_tables:
            rows = pending.tables.get(table.name)
            if rows:
                self.insert(table.name, rows)

    def advance_sequences(self) -> None:
        """PostgreSQL does not move a serial's sequence past ids inserted explicitly; do it,
        so that rows the product (or a test) adds later get fresh ids."""
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.begin() as connection:
            for table in self.metadata.sorted_tables:
                keys = list(table.primary_key.columns)
                if len(keys) != 1 or not isinstance(keys[0].type, Integer):
                    continue
                if keys[0].autoincrement not in (True, "auto"):
                    continue
                connection.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence(:table, :column), "
                        f'COALESCE((SELECT MAX("{keys[0].name}") FROM "{table.name}"), 0) + 1, '
                        "false)"
                    ),
                    {"table": table.name, "column": keys[0].name},
                )


class Folder(Database):
    """A folder of files with its index database."""

    def __init__(self, system: str, engine: Engine, metadata: MetaData, root: Path) -> None:
        super().__init__(system, engine, metadata)
        self.root = root

    def write(self, relative: str, content: bytes) -> str:
        """Store one file; return the relative path the index records."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return Path(relative).as_posix()


class SampleSystems:
    """Creates every declared system (fresh), then writes the environment the policy needs."""

    def __init__(
        self,
        out_dir: Path,
        systems: Sequence[SqlSystem | FolderSystem],
        *,
        urls: Mapping[str, str] | None = None,
    ) -> None:
        self.out_dir = out_dir.resolve()
        self.declared = {system.name: system for system in systems}
        urls = dict(urls or {})
        sql_names = [s.name for s in systems if isinstance(s, SqlSystem)]
        unknown = sorted(set(urls) - set(sql_names))
        if unknown:
            raise UsageError(
                f"no SQL system called {', '.join(map(repr, unknown))} in this example",
                fix=f"give a URL for one of: {', '.join(sql_names)}",
            )
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.environment: dict[str, str] = {}
        self._open: dict[str, Database] = {}
        try:
            for system in systems:
                if isinstance(system, SqlSystem):
                    self._open[system.name] = self._create_database(system, urls.get(system.name))
                else:
                    self._open[system.name] = self._create_folder(system)
        except BaseException:
            self.close()
            raise

    def _create_database(self, system: SqlSystem, url: str | None) -> Database:
        if url is None:
            path = self.out_dir / f"{system.name}.sqlite"
            path.unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        engine = _engine(url)
        with engine.begin() as connection:
            system.metadata.drop_all(connection)
            system.metadata.create_all(connection)
        self.environment[system.env_var] = make_url(url).render_as_string(hide_password=False)
        return Database(system.name, engine, system.metadata)

    def _create_folder(self, system: FolderSystem) -> Folder:
        root = self.out_dir / system.name
        if root.exists():
            if not (root / system.index).is_file():
                raise UsageError(
                    f"{root} exists and is not a folder this generator made",
                    fix="choose an empty output folder",
                )
            # Our own earlier output: start again so the same seed gives the same folder.
            shutil.rmtree(root)
        root.mkdir(parents=True)
        engine = _engine(f"sqlite:///{root / system.index}")
        with engine.begin() as connection:
            system.metadata.create_all(connection)
        self.environment[system.env_var] = str(root)
        return Folder(system.name, engine, system.metadata, root)

    def sql(self, name: str) -> Database:
        database = self._open[name]
        if isinstance(database, Folder):
            raise KeyError(f"{name!r} is a folder system; use folder()")
        return database

    def folder(self, name: str) -> Folder:
        database = self._open[name]
        if not isinstance(database, Folder):
            raise KeyError(f"{name!r} is a SQL system; use sql()")
        return database

    def finish(self) -> dict[str, str]:
        """Advance sequences, write `systems.env`, and return the environment mapping."""
        for database in self._open.values():
            database.advance_sequences()
        lines = [f"{key}={shlex.quote(value)}" for key, value in sorted(self.environment.items())]
        (self.out_dir / ENV_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
        return dict(self.environment)

    def close(self) -> None:
        for database in self._open.values():
            database.engine.dispose()

    def __enter__(self) -> SampleSystems:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def read_env_file(path: Path) -> dict[str, str]:
    """Read a `systems.env` written by `SampleSystems.finish`."""
    environment: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, _, value = line.partition("=")
        parts = shlex.split(value)
        environment[key.strip()] = parts[0] if parts else ""
    return environment
