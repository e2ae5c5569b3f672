"""`index: index.csv`: one collection, one header row; rewritten atomically on every change.

Every cell is text, so keys and values compare as text; an empty cell is null. Columns the
dataset does not declare are carried through rewrites untouched but never returned.
"""

from __future__ import annotations

import csv
import fcntl
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

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
from dataward.connectors.conditions import text_of
from dataward.connectors.files.index import BeforeCommit, FileIndex
from dataward.core.errors import ConnectorError
from dataward.policy.expressions import empty_fields, judge_all
from dataward.policy.schema import Collection

Cells = dict[str, str | None]


class CsvIndex(FileIndex):
    def __init__(
        self, *, system: str, path: Path, collection: Collection, stats: ConnectorStats
    ) -> None:
        self.system = system
        self.path = path
        self.collection = collection
        self.stats = stats
        self.declared = [f.name for f in collection.fields]
        self.pk = collection.primary_key
        self.folded = {f.name for f in collection.fields if f.identity == "email"}

    # Plumbing

    def _fail(self, message: str, fix: str | None = None) -> ConnectorError:
        return ConnectorError(message, system=self.system, fix=fix)

    def _require(self, collection: str, *, keyed: bool = False) -> None:
        if collection != self.collection.name:
            raise self._fail(
                f"no collection {collection!r} is declared",
                fix=f"a CSV index holds one collection: {self.collection.name!r}",
            )
        if keyed and not self.pk:
            raise self._fail(
                f"collection {collection!r} declares no primary key",
                fix="mark its key field(s) with `primary_key: true`",
            )

    def _field(self, name: str) -> None:
        if name not in self.declared:
            raise self._fail(
                f"collection {self.collection.name!r} has no declared field {name!r}",
                fix="declare the field in the dataset, or name one that is declared",
            )

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Writers take turns: a rewrite must not lose another's change."""
        lock = self.path.with_name(f".{self.path.name}.lock")
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read(self) -> tuple[list[str], list[Cells]]:
        try:
            with self.path.open(newline="", encoding="utf-8") as handle:
                reader = csv.DictReader(handle)
                header = list(reader.fieldnames or [])
                rows: list[Cells] = [
                    {name: (row.get(name) or None) for name in header} for row in reader
                ]
        except FileNotFoundError as exc:
            raise self._fail(
                f"the index {self.path} does not exist",
                fix="check the folder, or name the index file with `index:`",
            ) from exc
        except (OSError, csv.Error, UnicodeDecodeError) as exc:
            raise self._fail(f"cannot read the index {self.path}: {exc}") from exc
        missing = [name for name in self.declared if name not in header]
        if missing:
            raise self._fail(
                f"the index {self.path.name} has no column {', '.join(missing)}",
                fix="add the column to the index, or correct the dataset",
            )
        self.stats.queries += 1
        self.stats.rows_scanned += len(rows)
        return header, rows

    def _write(self, header: list[str], rows: list[Cells]) -> None:
        """Write a temporary file beside the index, then rename it over: readers see the old
        index or the new one, never half of one."""
        descriptor, name = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.stem}-", suffix=".tmp"
        )
        temporary = Path(name)
        try:
            with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=header)
                writer.writeheader()
                writer.writerows({k: ("" if v is None else v) for k, v in r.items()} for r in rows)
                handle.flush()
                os.fsync(handle.fileno())
            temporary.replace(self.path)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise self._fail(f"cannot rewrite the index {self.path}: {exc}") from exc
        self.stats.queries += 1

    def _key(self, row: Cells) -> Key:
        return tuple(row.get(name) for name in self.pk)

    def _public(self, row: Cells) -> Row:
        return {name: row.get(name) for name in self.declared}

    def _wanted(self, keys: Sequence[Key]) -> set[Key]:
        return {tuple(text_of(part) for part in key) for key in keys}

    # FileIndex

    def problems(self) -> list[str]:
        if not self.path.is_file():
            return [f"the index {self.path} does not exist"]
        try:
            self._read()
        except ConnectorError as exc:
            return [exc.message.split(": ", 1)[-1]]
        return [] if self.pk else [f"collection {self.collection.name!r} declares no primary_key"]

    def fetch(self, collection: str, where: Mapping[str, Iterable[Any]]) -> list[Row]:
        self._require(collection)
        wanted: dict[str, set[str]] = {}
        for name, values in where.items():
            self._field(name)
            texts = {t for t in (text_of(v) for v in values) if t is not None}
            wanted[name] = {t.lower() for t in texts} if name in self.folded else texts
        _, rows = self._read()
        found: list[Row] = []
        for row in rows:
            for name, values in wanted.items():
                cell = row.get(name)
                if cell is not None and (cell.lower() if name in self.folded else cell) in values:
                    found.append(self._public(row))
                    break
        return found

    def rows_for_keys(
        self, collection: str, keys: Sequence[Key], fields: Sequence[str]
    ) -> list[Row]:
        self._require(collection, keyed=True)
        wanted = self._wanted(keys)
        _, rows = self._read()
        names = list(dict.fromkeys([*self.pk, *fields]))
        return [{n: r.get(n) for n in names} for r in rows if self._key(r) in wanted]

    def erase(self, collection: str, keys: Sequence[Key], plan: ErasurePlan) -> int:
        self._require(collection, keyed=True)
        values = field_values(plan, self.collection, system=self.system)
        if not values:
            return 0
        changes = {name: text_of(value) for name, value in values.fixed.items()}
        hashed = values.hashed
        wanted = self._wanted(keys)
        with self._locked():
            header, rows = self._read()
            count = 0
            for row in rows:
                if self._key(row) not in wanted:
                    continue
                row.update(changes)
                for name in hashed:
                    cell = row.get(name)
                    row[name] = None if cell is None or plan.hasher is None else plan.hasher(cell)
                count += 1
            if count:
                self._write(header, rows)
        return count

    def rectify(self, collection: str, keys: Sequence[Key], changes: Mapping[str, Any]) -> int:
        self._require(collection, keyed=True)
        for name in changes:
            self._field(name)
        values = {name: text_of(value) for name, value in changes.items()}
        wanted = self._wanted(keys)
        with self._locked():
            header, rows = self._read()
            count = 0
            for row in rows:
                if self._key(row) in wanted:
                    row.update(values)
                    count += 1
            if count:
                self._write(header, rows)
        return count

    def expired(self, query: ExpiryQuery, *, batch_size: int) -> Iterator[list[Key]]:
        keys = sorted(
            (
                self._key(row)
                for row in self._past_cutoff(query)
                if judge_all(query.conditions, row) is True
            ),
            key=lambda key: tuple("" if part is None else part for part in key),
        )
        for start in range(0, len(keys), batch_size):
            yield keys[start : start + batch_size]

    def undecided(self, query: ExpiryQuery) -> Undecided:
        found = Undecided()
        if compares(query.conditions):
            for row in self._past_cutoff(query):
                if judge_all(query.conditions, row) is None:
                    found.add(empty_fields(query.conditions, row))
        return found

    def _past_cutoff(self, query: ExpiryQuery) -> list[Cells]:
        self._require(query.collection, keyed=True)
        if query.related is not None:
            raise self._fail(
                "a CSV index holds one collection, so it cannot read a related date",
                fix="use `index: index.sqlite` with a table per collection",
            )
        if query.date_field is None:
            raise self._fail(f"the expiry of {query.collection!r} names no date field")
        date_field = query.date_field
        for name in [date_field, *(c.field for c in query.conditions)]:
            self._field(name)
        _, rows = self._read()
        return [row for row in rows if self._before(row, date_field, query.cutoff)]

    def _before(self, row: Cells, name: str, cutoff: date) -> bool:
        cell = row.get(name)
        if cell is None:
            return False  # no date: never expires
        try:
            return date.fromisoformat(cell.strip()[:10]) < cutoff
        except ValueError as exc:
            raise self._fail(
                f"row {self._key(row)!r} of {self.collection.name!r}: {name} holds {cell!r}, "
                "which is not an ISO date",
                fix="write dates as YYYY-MM-DD",
            ) from exc

    def delete(self, collection: str, keys: Sequence[Key], before_commit: BeforeCommit) -> int:
        self._require(collection, keyed=True)
        wanted = self._wanted(keys)
        with self._locked():
            header, rows = self._read()
            gone = [row for row in rows if self._key(row) in wanted]
            if not gone:
                return 0
            kept = [row for row in rows if self._key(row) not in wanted]
            # Files first, index second: a crash in between leaves rows whose files are gone,
            # which a re-run deletes; the other order would leave files nothing points at.
            before_commit([self._public(row) for row in gone])
            self._write(header, kept)
        return len(gone)
