"""The `files` kind: a folder of files (call recordings, footage) described by an index.

connection:
  path: recordings             # the folder, relative to the policy file; or path_env: VAR
  index: index.sqlite          # default; a SQLite file with a table per collection, or
                               # index.csv for a single collection

The field marked `file: true` holds each file's path, relative to the folder. Paths that are
absolute or climb out of the folder (`..`, a symlink leading out) are refused, never followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from dataward.connectors.base import Connector, ErasurePlan, ExpiryQuery, Key, Row, Undecided
from dataward.connectors.environment import ConnectionSettings
from dataward.connectors.files.csv_index import CsvIndex
from dataward.connectors.files.index import FileIndex
from dataward.core.errors import ConnectorError

SETTINGS = ("path", "path_env", "index")


class FilesConnector(Connector):
    connection_settings = ("path", "path_env")

    _folder: Path
    _index: FileIndex

    def __post_init__(self) -> None:
        name = self.system.name
        settings = ConnectionSettings(name, self.system.connection, self.environ, known=SETTINGS)
        raw = settings.secret("path")
        assert raw is not None
        folder = Path(raw).expanduser()
        self._folder = folder if folder.is_absolute() else self.base_dir / folder
        if self.system.dataset is None:
            raise ConnectorError(
                "no dataset is declared", system=name, fix="add `dataset:` or `dataset_file:`"
            )
        index = settings.text("index") or "index.sqlite"
        index_path = self._folder / index
        collections = self.system.dataset.collections
        if index.lower().endswith(".csv"):
            if len(collections) != 1:
                raise ConnectorError(
                    f"a CSV index holds one collection, but {len(collections)} are declared",
                    system=name,
                    fix="use `index: index.sqlite` (a table per collection), or one collection",
                )
            self._index = CsvIndex(
                system=name, path=index_path, collection=collections[0], stats=self.stats
            )
        elif index.lower().endswith((".sqlite", ".sqlite3", ".db")):
            # Imported only for a SQLite index: it brings SQLAlchemy.
            from dataward.connectors.files.sqlite_index import SqliteIndex

            self._index = SqliteIndex(
                system=name, path=index_path, collections=collections, stats=self.stats
            )
        else:
            raise ConnectorError(
                f"cannot tell the index format of {index!r}",
                system=name,
                fix="name a .sqlite or a .csv index file",
            )

    # Files

    def _file_fields(self, collection: str) -> list[str]:
        return [f.name for f in self.collection(collection).fields if f.file]

    def _path(self, collection: str, row: Row, value: Any) -> Path:
        text = str(value)
        unsafe = (
            PurePosixPath(text).is_absolute()
            or PureWindowsPath(text).is_absolute()
            or PureWindowsPath(text).drive != ""
            or ".." in PurePosixPath(text.replace("\\", "/")).parts
        )
        folder = self._folder.resolve()
        path = (folder / text).resolve()
        if unsafe or not path.is_relative_to(folder):
            key = tuple(row.get(n) for n in self.collection(collection).primary_key)
            raise ConnectorError(
                f"collection {collection!r}, row {key!r}: the file path {text!r} leaves the "
                "folder, so it is not followed",
                system=self.system.name,
                fix="index paths must be relative to the folder, without '..'",
            )
        return path

    def files(self, collection: str, rows: Sequence[Row]) -> list[Path]:
        """The rows' files that exist (a file already deleted is not an error)."""
        paths: list[Path] = []
        for row in rows:
            for name in self._file_fields(collection):
                value = row.get(name)
                if value is None or value == "":
                    continue
                path = self._path(collection, row, value)
                if path.is_file():
                    paths.append(path)
        return paths

    def _unlink(self, collection: str, rows: Sequence[Row]) -> None:
        for row in rows:
            for name in self._file_fields(collection):
                value = row.get(name)
                if value is None or value == "":
                    continue
                path = self._path(collection, row, value)
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:
                    raise ConnectorError(
                        f"cannot delete {path}: {exc.strerror or exc}",
                        system=self.system.name,
                        fix="check the folder's permissions, then run the deletion again",
                    ) from exc

    # Connector

    def test(self) -> None:
        if not self._folder.is_dir():
            raise ConnectorError(
                f"the folder {self._folder} does not exist",
                system=self.system.name,
                fix="correct `path` (relative paths are read from the policy file's folder)",
            )
        problems = self._index.problems()
        if problems:
            raise ConnectorError(
                "; ".join(problems),
                system=self.system.name,
                fix="correct the dataset to match the index, or the index to match it",
            )

    def fetch(self, collection: str, where: Mapping[str, Iterable[Any]]) -> list[Row]:
        return self._index.fetch(collection, where)

    def erase(self, collection: str, keys: Sequence[Key], plan: ErasurePlan) -> int:
        if plan.removes_rows:
            return self.delete(collection, keys)
        files = set(self._file_fields(collection))
        touched = [f.field for f in plan.fields if f.field in files and f.strategy != "keep"]
        if touched:
            # The file is the personal data: blanking its path alone would orphan it. Delete
            # the files first; a crash before the index changes is finished by a re-run.
            rows = self._index.rows_for_keys(collection, keys, touched)
            self._unlink(collection, [{n: r.get(n) for n in [*touched, *r]} for r in rows])
        return self._index.erase(collection, keys, plan)

    def rectify(self, collection: str, keys: Sequence[Key], changes: Mapping[str, Any]) -> int:
        files = [name for name in changes if name in self._file_fields(collection)]
        if files:
            raise ConnectorError(
                f"field {files[0]!r} of {collection!r} holds a file path; a file is not "
                "rectified by repointing it",
                system=self.system.name,
                fix="replace the file itself, or erase it",
            )
        return self._index.rectify(collection, keys, changes)

    def expired(self, query: ExpiryQuery, *, batch_size: int = 1000) -> Iterator[list[Key]]:
        return self._index.expired(query, batch_size=batch_size)

    def undecided(self, query: ExpiryQuery) -> Undecided:
        return self._index.undecided(query)

    def count_expiring(self, query: ExpiryQuery, cutoffs: Sequence[date]) -> list[int]:
        counted = self._index.count_expiring(query, cutoffs)
        return super().count_expiring(query, cutoffs) if counted is None else counted

    def delete(self, collection: str, keys: Sequence[Key]) -> int:
        return self._index.delete(
            collection, keys, before_commit=lambda rows: self._unlink(collection, rows)
        )

    def close(self) -> None:
        self._index.close()
