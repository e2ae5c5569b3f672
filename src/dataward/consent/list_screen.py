"""Screening a contact list: stream a CSV, keep the rows that may be contacted, say why not.

Memory stays flat however long the list: rows are read, judged and written a batch at a
time, and the report's dropped rows are written as they are found.
"""

from __future__ import annotations

import csv
import json
import os
import stat
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy.orm import Session

from dataward.consent.eligibility import BATCH, Contact, Screener, Target
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.files import PRIVATE_FILE, new_private_folders
from dataward.policy.schema import Policy

Progress = Callable[[int], None]  # called with the bytes read so far
MAX_LINE_BYTES = 64 * 1024


@dataclass
class ScreenReport:
    rows: int = 0
    allowed: int = 0
    dropped: Counter[str] = field(default_factory=Counter)

    def as_json(self, target: Target, on: date) -> dict[str, object]:
        return {
            "purpose": target.purpose,
            "medium": target.medium.value,
            "on": on.isoformat(),
            "rows": self.rows,
            "allowed": self.allowed,
            "dropped": dict(sorted(self.dropped.items())),
        }


def _lines(stream: IO[bytes], progress: Progress | None) -> Iterator[str]:
    """The list's lines as text; a line past MAX_LINE_BYTES (no newline in a huge file) is
    refused rather than read whole into memory."""
    read = 0
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise UsageError(
                f"line {number} of the list is longer than {MAX_LINE_BYTES // 1024} KB",
                fix="give a CSV list with one contact per line",
            )
        read += len(raw)
        if progress is not None and number % 10_000 == 0:
            progress(read)
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(
                f"line {number} of the list is not UTF-8 text", fix="save the list as CSV (UTF-8)"
            ) from exc
    if progress is not None:
        progress(read)


def _private_text(path: Path) -> IO[str]:
    new_private_folders(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")  # closed by the caller


def open_list(path: Path) -> IO[bytes]:
    """A regular file only: a FIFO or a device is refused before it is read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UsageError(f"{str(path)!r} is not a regular file", fix="give a CSV file")
    return os.fdopen(fd, "rb")  # closed by the caller


def screen_csv(
    *,
    session: Session,
    keyring: Keyring,
    policy: Policy,
    target: Target,
    on: date,
    source: Path,
    allowed_out: Path | None = None,
    report_out: Path | None = None,
    progress: Progress | None = None,
) -> ScreenReport:
    """Judge every row of the list; write the allowed rows and the dropped ones' reasons."""
    screener = Screener(
        session=session, keyring=keyring, policy=policy, target=target, on=on, whole_list=True
    )
    report = ScreenReport()
    with open_list(source) as stream:
        reader = csv.reader(_lines(stream, progress))
        header = next(reader, None)
        if header is None:
            raise UsageError("the list is empty", fix="the first line names the columns")
        names = [h.strip().lower() for h in header]
        if "email" not in names and "phone" not in names:
            raise UsageError(
                "the list has no email or phone column",
                fix="name the columns on the first line, e.g. email,phone,name",
            )
        at_email = names.index("email") if "email" in names else None
        at_phone = names.index("phone") if "phone" in names else None
        allowed = _private_text(allowed_out) if allowed_out else None
        dropped = _private_text(report_out) if report_out else None
        try:
            writer = csv.writer(allowed) if allowed else None
            if writer:
                writer.writerow(header)
            if dropped:
                dropped.write('{"dropped_rows": [')
            first = True
            for batch in _batches(reader, at_email, at_phone):
                verdicts = screener.verdicts([contact for _, _, contact in batch])
                for (line, row, _), verdict in zip(batch, verdicts, strict=True):
                    report.rows += 1
                    if verdict.allowed:
                        report.allowed += 1
                        if writer:
                            writer.writerow(row)
                        continue
                    report.dropped.update(verdict.reasons)
                    if dropped:
                        entry = json.dumps({"line": line, "reasons": list(verdict.reasons)})
                        dropped.write(("\n  " if first else ",\n  ") + entry)
                        first = False
            if dropped:
                summary = json.dumps(report.as_json(target, on), indent=2)
                dropped.write(f'\n],\n"summary": {summary}}}\n')
        except csv.Error as exc:
            raise UsageError(f"the list is not valid CSV: {exc}", fix="check its quoting") from exc
        finally:
            for handle in (allowed, dropped):
                if handle is not None:
                    handle.close()
    return report


def _cell(row: list[str], at: int | None) -> str | None:
    if at is None or at >= len(row):
        return None
    return row[at].strip() or None


def _batches(
    reader: Iterator[list[str]], at_email: int | None, at_phone: int | None
) -> Iterator[list[tuple[int, list[str], Contact]]]:
    batch: list[tuple[int, list[str], Contact]] = []
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        batch.append((number, row, Contact(_cell(row, at_email), _cell(row, at_phone))))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
