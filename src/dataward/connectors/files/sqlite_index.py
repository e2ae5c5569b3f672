"""`index: index.sqlite`: one table per collection, its columns the declared fields."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine

from dataward.connectors.base import ConnectorStats, ErasurePlan, ExpiryQuery, Key, Row, Undecided
from dataward.connectors.files.index import BeforeCommit, FileIndex
from dataward.connectors.sql.client import TableClient
from dataward.connectors.sql.tables import DeclaredTables
from dataward.core.errors import ConnectorError
from dataward.policy.schema import Collection


class SqliteIndex(FileIndex):
    def __init__(
        self, *, system: str, path: Path, collections: Sequence[Collection], stats: ConnectorStats
    ) -> None:
        self.system = system
        self.path = path
        self._engine: Engine | None = None
        self.client = TableClient(
            system=system,
            engine=self._open,
            tables=DeclaredTables(collections, dialect="sqlite"),
            stats=stats,
            where=f"index {path}",
        )

    def _open(self) -> Engine:
        if self._engine is None:
            if not self.path.is_file():
                raise ConnectorError(
                    f"the index {self.path} does not exist",
                    system=self.system,
                    fix="check the folder, or name the index file with `index:`",
                )
            self._engine = create_engine(f"sqlite:///{self.path}", connect_args={"timeout": 10})
        return self._engine

    def problems(self) -> list[str]:
        return self.client.check_schema()

    def fetch(self, collection: str, where: Mapping[str, Iterable[Any]]) -> list[Row]:
        return self.client.fetch(collection, where)

    def rows_for_keys(
        self, collection: str, keys: Sequence[Key], fields: Sequence[str]
    ) -> list[Row]:
        self.client.require(collection, keyed=True)
        with self.client.connection(f"reading {collection}") as connection:
            return self.client.rows_for_keys(connection, collection, keys, fields)

    def erase(self, collection: str, keys: Sequence[Key], plan: ErasurePlan) -> int:
        return self.client.erase(collection, keys, plan)

    def rectify(self, collection: str, keys: Sequence[Key], changes: Mapping[str, Any]) -> int:
        return self.client.rectify(collection, keys, changes)

    def expired(self, query: ExpiryQuery, *, batch_size: int) -> Iterator[list[Key]]:
        return self.client.expired(query, batch_size=batch_size)

    def undecided(self, query: ExpiryQuery) -> Undecided:
        return self.client.undecided(query)

    def count_expiring(self, query: ExpiryQuery, cutoffs: Sequence[date]) -> list[int] | None:
        return self.client.count_expiring(query, cutoffs)

    def delete(self, collection: str, keys: Sequence[Key], before_commit: BeforeCommit) -> int:
        files = [f.name for f in self.client.tables.collection(collection).fields if f.file]
        return self.client.delete(collection, keys, before_commit=before_commit, read=files)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
