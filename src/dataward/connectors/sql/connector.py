"""The `sql` kind: any SQLAlchemy URL (PostgreSQL via psycopg 3, MariaDB/MySQL via pymysql,
SQLite, MSSQL).

connection:
  url_env: CRM_DB_URL          # or `url:` for a URL without a password (e.g. sqlite:///crm.db)
  connect_timeout: 10          # seconds
  schema: crm                  # default schema for collections named without one
  identity_match: lower        # lower | exact (see DeclaredTables._match)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataward.connectors.base import Connector, ErasurePlan, ExpiryQuery, Key, Row, Undecided
from dataward.connectors.environment import ConnectionSettings
from dataward.core.errors import ConnectorError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

    from dataward.connectors.sql.client import TableClient

# SQLAlchemy is imported when a system is connected, not when the registry is: checking a
# policy asks the registry what each kind needs and must not pay for SQLAlchemy to learn it.

SETTINGS = ("url", "url_env", "connect_timeout", "schema", "identity_match")
DEFAULT_CONNECT_TIMEOUT = 10.0


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    # SQLite enforces declared foreign keys only when asked; a source system's keys must hold.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def resolve_sqlite(url: URL, base_dir: Path) -> URL:
    """A relative SQLite path is relative to the policy's folder."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return url
    path = Path(database)
    return url if path.is_absolute() else url.set(database=str(base_dir / path))


def require_sqlite_file(url: URL, system: str) -> None:
    """SQLite would create a missing file, empty, and every search would then find nothing."""
    database = url.database
    if (
        database
        and database != ":memory:"
        and not database.startswith("file:")
        and not Path(database).is_file()
    ):
        raise ConnectorError(
            f"SQLite database {database} does not exist",
            system=system,
            fix="correct the path (relative paths are read from the policy file's folder)",
        )


def connect_args(backend: str, timeout: float) -> dict[str, Any]:
    if backend == "postgresql":
        return {"connect_timeout": max(1, round(timeout))}
    if backend in ("mysql", "mariadb"):
        return {"connect_timeout": max(1, round(timeout))}
    if backend == "sqlite":
        return {"timeout": timeout}
    if backend == "mssql":
        return {"timeout": max(1, round(timeout))}
    return {}


class SqlConnector(Connector):
    connection_settings = ("url_env", "url")
    erases_by_predicate = True

    _url: URL
    _engine_instance: Engine | None
    _client: TableClient

    def __post_init__(self) -> None:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        from dataward.connectors.sql.client import TableClient
        from dataward.connectors.sql.tables import DeclaredTables

        name = self.system.name
        settings = ConnectionSettings(name, self.system.connection, self.environ, known=SETTINGS)
        raw = settings.secret("url")
        assert raw is not None
        try:
            url = make_url(raw)
        except ArgumentError as exc:
            # The URL may hold a password: say what is wrong without repeating it.
            raise ConnectorError(
                "the database URL cannot be read",
                system=name,
                fix="write it as dialect+driver://user:password@host:port/database",
            ) from exc
        if url.get_backend_name() == "sqlite":
            url = resolve_sqlite(url, self.base_dir)
        self._url = url
        self._timeout = settings.number("connect_timeout", DEFAULT_CONNECT_TIMEOUT)
        self._engine_instance = None
        if self.system.dataset is None:
            raise ConnectorError(
                "no dataset is declared", system=name, fix="add `dataset:` or `dataset_file:`"
            )
        tables = DeclaredTables(
            self.system.dataset.collections,
            dialect=url.get_backend_name(),
            default_schema=settings.text("schema"),
            casefold_identities=settings.choice("identity_match", ("lower", "exact")) == "lower",
        )
        self._client = TableClient(
            system=name,
            engine=self._engine,
            tables=tables,
            stats=self.stats,
            where=url.render_as_string(hide_password=True),
        )

    def _engine(self) -> Engine:
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import NoSuchModuleError

        if self._engine_instance is None:
            backend = self._url.get_backend_name()
            if backend == "sqlite":
                require_sqlite_file(self._url, self.system.name)
            try:
                engine = create_engine(
                    self._url,
                    connect_args=connect_args(backend, self._timeout),
                    pool_pre_ping=True,
                )
            except (NoSuchModuleError, ImportError) as exc:
                raise ConnectorError(
                    f"no driver for {self._url.drivername!r} is installed",
                    system=self.system.name,
                    fix="install the driver package, or use postgresql+psycopg / mysql+pymysql",
                ) from exc
            if backend == "sqlite":
                event.listen(engine, "connect", _sqlite_foreign_keys)
            if self._url.get_driver_name() == "pymysql":
                from dataward.connectors.sql.mysql_tls import share_preferred_tls

                share_preferred_tls(engine)
            self._engine_instance = engine
        return self._engine_instance

    def test(self) -> None:
        problems = self._client.check_schema()
        if problems:
            raise ConnectorError(
                "; ".join(problems),
                system=self.system.name,
                fix="correct the dataset to match the database, or the database to match it",
            )

    def fetch(self, collection: str, where: Mapping[str, Iterable[Any]]) -> list[Row]:
        return self._client.fetch(collection, where)

    def erase(self, collection: str, keys: Sequence[Key], plan: ErasurePlan) -> int:
        return self._client.erase(collection, keys, plan)

    def together(self) -> AbstractContextManager[None]:
        return self._client.together()

    def erase_where(
        self, collection: str, where: Mapping[str, Iterable[Any]], plan: ErasurePlan
    ) -> int:
        from dataward.connectors.sql.matching import erase_matching

        return erase_matching(self._client, collection, where, plan)

    def rectify(self, collection: str, keys: Sequence[Key], changes: Mapping[str, Any]) -> int:
        return self._client.rectify(collection, keys, changes)

    def insert(self, collection: str, rows: Sequence[Mapping[str, str]]) -> int:
        from dataward.connectors.sql.importing import insert_rows

        return insert_rows(self._client, collection, rows)

    def expired(self, query: ExpiryQuery, *, batch_size: int = 1000) -> Iterator[list[Key]]:
        return self._client.expired(query, batch_size=batch_size)

    def delete(self, collection: str, keys: Sequence[Key]) -> int:
        return self._client.delete(collection, keys)

    def undecided(self, query: ExpiryQuery) -> Undecided:
        return self._client.undecided(query)

    def count_expiring(self, query: ExpiryQuery, cutoffs: Sequence[date]) -> list[int]:
        counted = self._client.count_expiring(query, cutoffs)
        return super().count_expiring(query, cutoffs) if counted is None else counted

    def rows_after(self, collection: str, field: str, after: Any, *, limit: int) -> list[Row]:
        from sqlalchemy import select

        client = self._client
        client.require(collection)
        client.declared(collection, field)
        table = client.tables.table(collection)
        statement = select(table).order_by(table.c[field]).limit(limit)
        if after is not None:
            statement = statement.where(table.c[field] > after)
        with client.connection(f"reading {collection}") as connection:
            rows = [dict(row) for row in connection.execute(statement).mappings()]
        self.stats.queries += 1
        self.stats.rows_scanned += len(rows)
        return rows

    def close(self) -> None:
        if self._engine_instance is not None:
            self._engine_instance.dispose()
            self._engine_instance = None
