"""Loading a TPS or CTPS file as the list's new generation.

A file is loaded as a new generation in batches (bounded memory, each batch committed, the
generation invisible until done), switched in one transaction, and the old generation's
numbers dropped after: a reader sees the old list or the new one, never half of either.

The numbers go in sorted. Inserted in file order, each batch of random numbers touched a page
of the index per number, and 18 million of them wrote 50 GB to the database's log. So the file
is first read in runs that are sorted in memory and spilled to a temporary folder (an external
sort, bounded by RUN numbers), then the runs are merged: every batch lands at the end of the
index, and each page is written once.
"""

from __future__ import annotations

import hashlib
import heapq
import tempfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.consent.models import TpsFile, TpsNumber
from dataward.consent.tps import check_list, number_key
from dataward.core.clock import Clock, london_date
from dataward.core.errors import NotFound, UsageError
from dataward.core.runtime import Runtime

BATCH = 20_000
# Numbers sorted in memory at once before they are spilled to a run file (about 30 MB).
RUN = 500_000
# The longest line worth reading as a number; anything longer is rejected unread.
LONGEST_LINE = 64
READ_CHUNK = 1 << 18


@dataclass(frozen=True)
class ImportReport:
    list_name: str
    as_of: date
    row_count: int
    rejected_lines: int
    replaced_rows: int
    file_sha256: str


class _Reader:
    """The numbers of a file in batches, read in bounded memory whatever the file holds: an
    over-long line (or a binary file without newlines) is skipped, not buffered."""

    def __init__(self, stream: BinaryIO, progress: Callable[[int], None] | None) -> None:
        self.stream = stream
        self.progress = progress
        self.rejected = 0
        self.first_rejected_line: int | None = None
        self.sha256 = hashlib.sha256()
        self._line_number = 0

    def batches(self, size: int) -> Iterator[set[int]]:
        batch: set[int] = set()
        for line in self._lines():
            self._line_number += 1
            text = line.strip()
            if not text or text.startswith(b"#"):
                continue
            key = self._key(text)
            if key is None:
                self._reject()
                continue
            batch.add(key)
            if len(batch) >= size:
                yield batch
                batch = set()
        if batch:
            yield batch

    def _key(self, text: bytes) -> int | None:
        if len(text) > LONGEST_LINE:
            return None
        try:
            return number_key(text.decode("ascii"))
        except (UnicodeDecodeError, UsageError, ValueError):
            return None

    def _reject(self) -> None:
        self.rejected += 1
        if self.first_rejected_line is None:
            self.first_rejected_line = self._line_number

    def _lines(self) -> Iterator[bytes]:
        tail = b""
        while chunk := self.stream.read(READ_CHUNK):
            self.sha256.update(chunk)
            if self.progress is not None:
                self.progress(len(chunk))
            lines = (tail + chunk).split(b"\n")
            tail = lines.pop()
            if len(tail) > LONGEST_LINE:
                # Keep only enough to know it is too long: a 1 GB line costs nothing.
                tail = tail[: LONGEST_LINE + 1]
            yield from lines
        if tail:
            yield tail


def import_list(
    *,
    runtime: Runtime,
    path: Path,
    list_name: str,
    as_of: date,
    actor: str,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Load a TPS/CTPS file as the list's new current generation (see the module's note).

    `progress` is told of the bytes read, then as much again while the numbers go in."""
    list_name = check_list(list_name)
    today = london_date(runtime.clock.now())
    if as_of > today:
        raise UsageError(
            f"the file's date {as_of.isoformat()} is in the future",
            fix="give the date the file was issued, as YYYY-MM-DD",
        )
    with runtime.transaction() as session:
        file_id = _begin(session=session, list_name=list_name, as_of=as_of, clock=runtime.clock)
    try:
        with path.open("rb") as stream, tempfile.TemporaryDirectory() as folder:
            reader = _Reader(stream, progress)
            runs = _sorted_runs(reader, Path(folder))
            # The second half of the progress: the file's size again, spread over the numbers.
            size, read = path.stat().st_size, max(sum(r.stat().st_size for r in runs) // 8, 1)
            count = 0
            for batch in _batches(_merged(runs)):
                with runtime.transaction() as session:
                    _insert(session, file_id, batch)
                count += len(batch)
                if progress is not None:
                    progress(size * len(batch) // read)
    except BaseException:
        with runtime.transaction() as session:
            _drop(session=session, file_id=file_id)
        raise
    if not count:
        with runtime.transaction() as session:
            _drop(session=session, file_id=file_id)
        where = f" (line {reader.first_rejected_line} is not one)" if reader.rejected else ""
        raise UsageError(
            f"{str(path)!r} holds no phone numbers{where}",
            fix="give the TPS or CTPS file as downloaded: one number a line",
        )
    with runtime.transaction() as session:
        retired = _switch(
            session=session,
            file_id=file_id,
            row_count=count,
            rejected=reader.rejected,
            sha256=reader.sha256.hexdigest(),
            clock=runtime.clock,
            actor=actor,
        )
    replaced = 0
    for old_id, old_rows in retired:
        with runtime.transaction() as session:
            session.execute(delete(TpsNumber).where(TpsNumber.file_id == old_id))
        replaced += old_rows
    return ImportReport(
        list_name, as_of, count, reader.rejected, replaced, reader.sha256.hexdigest()
    )


def _sorted_runs(reader: _Reader, folder: Path) -> list[Path]:
    runs: list[Path] = []
    for chunk in reader.batches(RUN):
        run = folder / f"run-{len(runs)}"
        with run.open("wb") as stream:
            array("q", sorted(chunk)).tofile(stream)
        runs.append(run)
    return runs


def _read_run(run: Path) -> Iterator[int]:
    with run.open("rb") as stream:
        while True:
            block = array("q")
            try:
                block.fromfile(stream, 8192)
            except EOFError:  # the last, shorter block: fromfile kept what it read
                yield from block
                return
            yield from block


def _merged(runs: list[Path]) -> Iterator[int]:
    """Every number of every run once, in order (a number may be in several runs)."""
    last: int | None = None
    for key in heapq.merge(*(_read_run(run) for run in runs)):
        if key != last:
            yield key
            last = key


def _batches(keys: Iterator[int]) -> Iterator[list[int]]:
    batch: list[int] = []
    for key in keys:
        batch.append(key)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _begin(*, session: Session, list_name: str, as_of: date, clock: Clock) -> int:
    # A load that died half-way (power cut, ^C) left a generation nobody reads: drop it.
    for stale_id in session.scalars(
        select(TpsFile.id).where(TpsFile.list_name == list_name, TpsFile.state == "loading")
    ).all():
        _drop(session=session, file_id=stale_id)
    file = TpsFile(
        list_name=list_name,
        as_of=as_of,
        state="loading",
        row_count=0,
        rejected_lines=0,
        started_at=clock.now().astimezone(UTC),
    )
    session.add(file)
    session.flush()
    return file.id


def _insert(session: Session, file_id: int, batch: list[int]) -> None:
    # The driver's own executemany, not the ORM's bulk insert: 18 million rows go through
    # here, and building a mapping per row cost three times the insert itself. Ignoring a
    # duplicate is belt and braces: the merge already gives each number once.
    connection = session.connection()
    dialect = connection.dialect
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    columns = f"INTO {TpsNumber.__tablename__} (file_id, number) VALUES ({mark}, {mark})"
    if dialect.name == "sqlite":
        statement = f"INSERT OR IGNORE {columns}"
    elif dialect.name == "postgresql":
        statement = f"INSERT {columns} ON CONFLICT DO NOTHING"
    else:
        statement = f"INSERT IGNORE {columns}"
    connection.exec_driver_sql(statement, [(file_id, key) for key in batch])


def _switch(
    *,
    session: Session,
    file_id: int,
    row_count: int,
    rejected: int,
    sha256: str,
    clock: Clock,
    actor: str,
) -> list[tuple[int, int]]:
    file = session.get(TpsFile, file_id)
    if file is None or file.state != "loading":
        raise NotFound(
            "the file being loaded was removed by another import of the same list",
            fix="run the import again, once",
        )
    retired = session.execute(
        select(TpsFile.id, TpsFile.row_count).where(
            TpsFile.list_name == file.list_name, TpsFile.state == "current"
        )
    ).all()
    session.execute(
        update(TpsFile)
        .where(TpsFile.id.in_([old_id for old_id, _ in retired]))
        .values(state="retired")
    )
    file.state = "current"
    file.row_count = row_count
    file.rejected_lines = rejected
    file.file_sha256 = sha256
    file.switched_at = clock.now().astimezone(UTC)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="consent.tps.imported",
        object_type="tps_file",
        object_id=str(file.id),
        details={
            "list": file.list_name,
            "as_of": file.as_of.isoformat(),
            "rows": row_count,
            "rejected_lines": rejected,
            "file_sha256": sha256,
            "replaces": [old_id for old_id, _ in retired],
        },
    )
    return [(old_id, rows) for old_id, rows in retired]


def _drop(*, session: Session, file_id: int) -> None:
    session.execute(delete(TpsNumber).where(TpsNumber.file_id == file_id))
    session.execute(delete(TpsFile).where(TpsFile.id == file_id))
