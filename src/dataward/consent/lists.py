"""The suppression list as files: import (addresses, numbers, or another Dataward's hashes),
export (hashes only, never an address), and a contact list filtered before it goes anywhere.

Every file is read as a stream of bounded lines: a hostile CSV (one endless line, binary,
NUL bytes) is refused with the line it failed on, never read whole into memory.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

from sqlalchemy.orm import Session

from dataward.consent import service
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.files import create_private_file
from dataward.core.spreadsheets import neutralise

LONGEST_LINE = 64 * 1024
KEY_CHECK_PREFIX = "#dataward-suppression-key-check:"
HASH_HEADER = ["kind", "identifier_hash", "added_on"]
ROWS_PER_BATCH = service.CHUNK


class _RowWriter(Protocol):
    def writerow(self, row: Sequence[str], /) -> object: ...


@dataclass
class FilterReport:
    rows: int = 0
    kept: int = 0
    imported: int = 0
    dropped_lines: list[int] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        # Line numbers only: the report must not copy the addresses it dropped.
        return {
            "rows": self.rows,
            "kept": self.kept,
            "imported": self.imported,
            "dropped": len(self.dropped_lines),
            "dropped_lines": self.dropped_lines,
        }


class _Lines:
    """Lines of a text file, each at most LONGEST_LINE characters, numbered."""

    def __init__(self, stream: TextIO, path: Path) -> None:
        self.stream, self.path, self.number = stream, path, 0

    def __iter__(self) -> Iterator[str]:
        while True:
            try:
                line = self.stream.readline(LONGEST_LINE + 1)
            except UnicodeDecodeError as exc:
                raise UsageError(
                    f"{str(self.path)!r} is not text (line {self.number + 1})",
                    fix="save the list as a UTF-8 CSV file",
                ) from exc
            if not line:
                return
            self.number += 1
            if len(line) > LONGEST_LINE:
                raise UsageError(
                    f"line {self.number} of {str(self.path)!r} is longer than 64 KB",
                    fix="give a CSV of addresses or numbers, one row a line",
                )
            yield line


def _rows(lines: _Lines, source: Iterable[str] | None = None) -> Iterator[list[str]]:
    try:
        yield from csv.reader(lines if source is None else source)
    except csv.Error as exc:
        raise UsageError(
            f"line {lines.number} of {str(lines.path)!r} cannot be read as CSV: {exc}",
            fix="save the list as a UTF-8 CSV file",
        ) from exc


def _open(path: Path) -> TextIO:
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise UsageError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from exc


def _header(rows: Iterator[list[str]], path: Path) -> list[str]:
    header = next(rows, None)
    if header is None:
        raise UsageError(f"{str(path)!r} is empty", fix="give a CSV with a header row")
    return [name.strip().lower() for name in header]


def identifier_columns(header: Sequence[str]) -> list[tuple[int, str]]:
    """(column, kind) for each column of addresses or numbers, known by its header."""
    return [(i, kind) for i, name in enumerate(header) if (kind := service.identifier_kind(name))]


def _need_columns(columns: list[tuple[int, str]], path: Path) -> None:
    if not columns:
        raise UsageError(
            f"the header of {str(path)!r} names no email or phone column",
            fix="name the columns email and/or phone, or give a Dataward export of hashes",
        )


def _values(row: Sequence[str], columns: list[tuple[int, str]]) -> Iterator[tuple[str, str]]:
    for index, kind in columns:
        if index < len(row) and row[index].strip():
            yield kind, row[index]


def import_file(
    *, session: Session, keyring: Keyring, clock: Clock, actor: str, path: Path, reason: str
) -> service.Added:
    """Suppress every address and number of a CSV, or every hash of a Dataward export."""
    tally = service.Added()
    with _open(path) as stream:
        lines = _Lines(stream, path)
        read = iter(lines)
        first = next(read, "")
        check = first.strip().removeprefix(KEY_CHECK_PREFIX)
        if not first.startswith(KEY_CHECK_PREFIX):
            read = itertools.chain([first] if first else [], read)
        elif check != service.key_check(keyring, session):
            raise UsageError(
                f"{str(path)!r} was exported by a Dataward with another key: its hashes would "
                "match nothing here",
                fix="import the addresses themselves, or export from a deployment sharing "
                "this one's master key and database keys",
            )
        rows = _rows(lines, read)
        header = _header(rows, path)
        hashes = header[:2] == HASH_HEADER[:2]
        columns = [] if hashes else identifier_columns(header)
        if not hashes:
            _need_columns(columns, path)
        batch: list[tuple[str, str]] = []
        for row in rows:
            if hashes:
                batch.append((row[0].strip(), row[1].strip()) if len(row) > 1 else ("", ""))
            else:
                batch.extend(_values(row, columns))
            if len(batch) >= ROWS_PER_BATCH:
                tally += _add(session, keyring, clock, actor, batch, reason, hashes=hashes)
                batch = []
        if batch:
            tally += _add(session, keyring, clock, actor, batch, reason, hashes=hashes)
    return tally


def _add(
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    batch: list[tuple[str, str]],
    reason: str,
    *,
    hashes: bool,
) -> service.Added:
    if hashes:
        return service.add_hashes(
            session=session, keyring=keyring, clock=clock, actor=actor, hashes=batch, reason=reason
        )
    return service.suppress_many(
        session=session,
        keyring=keyring,
        clock=clock,
        actor=actor,
        identifiers=batch,
        reason=reason,
    )


def export_file(*, session: Session, keyring: Keyring, path: Path) -> int:
    """Write every entry as kind, keyed hash and date: nothing that is an address."""
    create_private_file(path)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(f"{KEY_CHECK_PREFIX}{service.key_check(keyring, session)}\n")
        writer = csv.writer(stream)
        writer.writerow(HASH_HEADER)
        for entry in service.entries(session=session):
            # Only hex and fixed words reach the file; neutralise() is belt and braces.
            writer.writerow(
                [
                    neutralise(entry.kind),
                    neutralise(entry.identifier_hash),
                    entry.created_at.date().isoformat(),
                ]
            )
            count += 1
    return count


def filter_file(
    *,
    session: Session,
    keyring: Keyring,
    source: Path,
    out: Path | None,
    sink: Callable[[list[dict[str, str]]], int] | None = None,
) -> FilterReport:
    """Copy the rows of a contact list whose addresses and numbers are all unsuppressed.

    The rows kept are written as they came: the file is for a system to import, and changing a
    value (even a leading `+` of a phone number) would change what it imports. `sink` takes
    each batch of kept rows as well (header → value): a connector importing them."""
    report = FilterReport()
    keyring.attach(session)
    copy: TextIO = io.StringIO() if out is None else _private_text(out)
    with _open(source) as stream, copy:
        lines = _Lines(stream, source)
        rows = _rows(lines)
        header_row = next(rows, None)
        if header_row is None:
            raise UsageError(f"{str(source)!r} is empty", fix="give a CSV with a header row")
        columns = identifier_columns([name.strip().lower() for name in header_row])
        _need_columns(columns, source)
        writer = csv.writer(copy)
        writer.writerow(header_row)
        batch: list[tuple[int, list[str]]] = []
        for row in rows:
            batch.append((lines.number, row))
            if len(batch) >= ROWS_PER_BATCH:
                _filter_batch(session, keyring, batch, columns, writer, report, sink, header_row)
                batch = []
        _filter_batch(session, keyring, batch, columns, writer, report, sink, header_row)
    return report


def _private_text(path: Path) -> TextIO:
    create_private_file(path)
    return path.open("w", encoding="utf-8", newline="")


def _filter_batch(
    session: Session,
    keyring: Keyring,
    batch: list[tuple[int, list[str]]],
    columns: list[tuple[int, str]],
    writer: _RowWriter,
    report: FilterReport,
    sink: Callable[[list[dict[str, str]]], int] | None,
    header: list[str],
) -> None:
    wanted: dict[str, set[str]] = {kind: set() for kind in service.KINDS}
    row_hashes: list[list[tuple[str, str]]] = []
    for _, row in batch:
        mine = []
        for kind, value in _values(row, columns):
            identifier_hash = service.hashed(keyring, kind, value)
            if identifier_hash is not None:
                mine.append((kind, identifier_hash))
                wanted[kind].add(identifier_hash)
        row_hashes.append(mine)
    suppressed = {
        (kind, h)
        for kind, hashes in wanted.items()
        for h in service.suppressed_hashes(session=session, kind=kind, hashes=hashes)
    }
    kept: list[dict[str, str]] = []
    for (number, row), mine in zip(batch, row_hashes, strict=True):
        report.rows += 1
        if any(pair in suppressed for pair in mine):
            report.dropped_lines.append(number)
            continue
        writer.writerow(row)
        report.kept += 1
        kept.append(dict(zip(header, row, strict=False)))
    if sink is not None and kept:
        report.imported += sink(kept)
