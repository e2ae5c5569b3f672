"""Verifying a long audit log on several cores: each process checks one run of sequences.

Once the stored hashes are read, each event's check stands alone: its recomputed hash against
the one stored, its prev_hash against the stored hash of the event before. So the log splits
into runs of sequences, each checked by its own process from its own connection (the database
writes the canonical bytes, as for the one-process fast reader), and the runs are joined in
order: each must start with the prev_hash the run before ends on.

Nothing here ever names a problem. A run with anything unusual in it (a hash that does not
match, a gap, a NULL, an event added or removed while it was read) makes the whole attempt
give way, leaving the verifier as it was, and the caller reads the log one event after another
as it always did, which names the first problem exactly. Events with a checkpoint or a witness
entry come back with their bytes and go through ChainVerifier.feed() in order, as there.

The other processes read what is committed: use it on a transaction that has written nothing
(`dataward audit verify`). They are forked, so only from a process that runs no threads of its
own (the CLI), never from inside `serve`.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.audit.chained import POSTGRES_CHAINED, SQLITE_CHAINED, Link
from dataward.audit.models import AuditEvent

if TYPE_CHECKING:
    from dataward.audit.verify import ChainVerifier

# Below this many events a process, starting it costs about what it saves.
MIN_RUN = 100_000
# Rows fetched at a time: small batches stay in the CPU's caches (as the one-process reader).
_BATCH = {"sqlite": 250, "postgresql": 1000}
_HEXDIGEST = type(hashlib.sha256()).hexdigest


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Source(NamedTuple):
    """Where a process opens its own connection: a SQLite file, or a libpq URL."""

    dialect: str
    where: str


@dataclass(frozen=True)
class Mark:
    """An event with a checkpoint or a witness entry, for ChainVerifier.feed()."""

    sequence: int
    prev_hash: str
    hash: str
    payload: bytes
    bytes_before: int  # canonical bytes of the run's events since the previous mark


@dataclass(frozen=True)
class Run:
    """Events `first` to `last`, every one hashing to its stored hash and following the last."""

    first: int
    last: int
    first_prev: str
    last_hash: str
    marks: tuple[Mark, ...]
    tail_bytes: int  # canonical bytes of the events after the last mark


def source_of(session: Session) -> Source | None:
    """The database a second process can open, or None (in memory, or another kind)."""
    url = session.get_bind().engine.url
    backend = url.get_backend_name()
    if backend == "sqlite":
        database = url.database
        if not database or database == ":memory:" or url.query:
            return None
        return Source("sqlite", str(Path(database).resolve()))
    if backend == "postgresql":
        return Source("postgresql", url.set(drivername="postgresql").render_as_string(False))
    return None


def check_in_runs(
    *, session: Session, verifier: ChainVerifier, workers: int, min_run: int | None = None
) -> bool:
    """Feed the verifier every event counted now, checked in up to `workers` runs at once.

    True when it did; False, with the verifier untouched, when the caller must read the log
    one event after another: too few events, a database no second process can open, or
    anything at all unusual in a run."""
    source = source_of(session)
    if source is None or workers < 2:
        return False
    expected, _ = verifier.expecting()
    first, last, count = session.execute(
        select(func.min(AuditEvent.sequence), func.max(AuditEvent.sequence), func.count()).where(
            AuditEvent.sequence >= expected
        )
    ).one()
    if not count or first != expected or last - first + 1 != count:
        return False  # nothing to do, or a gap: the one-by-one reader names it
    runs = min(workers, count // max(MIN_RUN if min_run is None else min_run, 1))
    if runs < 2:
        return False
    marked = sorted(verifier.marked_sequences())
    bounds = [(first + count * n // runs, first + count * (n + 1) // runs - 1) for n in range(runs)]
    jobs = [(source, lo, hi, tuple(m for m in marked if lo <= m <= hi)) for lo, hi in bounds]
    try:
        # This process checks the first run while the others check the rest.
        with ProcessPoolExecutor(runs - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            others = [pool.submit(check_run, *job) for job in jobs[1:]]
            checked = [check_run(*jobs[0]), *(future.result() for future in others)]
    except (BrokenProcessPool, OSError):
        return False
    if not _joined(verifier, checked):
        return False
    for run in checked:
        assert run is not None  # _joined said so
        _feed(verifier, run)
    return True


def _joined(verifier: ChainVerifier, checked: list[Run | None]) -> bool:
    expected, follows = verifier.expecting()
    for run in checked:
        if run is None or run.first != expected or run.first_prev != follows:
            return False
        expected, follows = run.last + 1, run.last_hash
    return True


def _feed(verifier: ChainVerifier, run: Run) -> None:
    start = run.first
    for mark in run.marks:
        verifier.accept_run(
            mark.sequence - start, mark.bytes_before, mark.sequence - 1, mark.prev_hash
        )
        link = Link(mark.sequence, mark.prev_hash, mark.hash)
        if not verifier.feed(link, mark.payload, mark.hash):
            return  # a checkpoint or witness problem: the report names it, as one by one
        start = mark.sequence + 1
    verifier.accept_run(run.last - start + 1, run.tail_bytes, run.last, run.last_hash)


def check_run(source: Source, first: int, last: int, marked: tuple[int, ...]) -> Run | None:
    """Events `first` to `last` read from a connection of this process's own; None at
    anything unusual."""
    connection: Any
    errors: tuple[type[Exception], ...]
    if source.dialect == "sqlite":
        connection = sqlite3.connect(f"file:{quote(source.where)}?mode=ro", uri=True)
        cursor = connection.cursor()
        chained, placeholder, errors = SQLITE_CHAINED, "?", (sqlite3.Error,)
    else:
        import psycopg

        connection = psycopg.connect(source.where)
        cursor = connection.cursor(name="audit_verify_run", binary=True)
        chained, placeholder, errors = POSTGRES_CHAINED, "%s", (psycopg.Error,)
    try:
        cursor.execute(
            f"SELECT sequence, prev_hash, {chained}, hash FROM {AuditEvent.__tablename__}"
            f" WHERE sequence >= {placeholder} AND sequence <= {placeholder}"
            " ORDER BY sequence",
            (first, last),
        )
        return _checked(cursor, first, last, marked, _BATCH[source.dialect])
    except errors:
        return None
    finally:
        cursor.close()
        connection.close()


def _checked(cursor: Any, first: int, last: int, marked: tuple[int, ...], size: int) -> Run | None:
    expected, follows, first_prev = first, "", ""
    marks: list[Mark] = []
    pending = 0  # canonical bytes since the last mark
    next_mark = iter(marked)
    mark = next(next_mark, None)
    while rows := cursor.fetchmany(size):
        sequences, prevs, chained, hashes = zip(*rows, strict=True)
        count = len(rows)
        if sequences != tuple(range(expected, expected + count)):
            return None
        if expected == first:
            first_prev = prevs[0]
        elif prevs[0] != follows:
            return None
        if prevs[1:] != hashes[:-1]:
            return None
        try:
            if list(map(_HEXDIGEST, map(hashlib.sha256, chained))) != list(hashes):
                return None
        except TypeError:  # a NULL: not an event the database could write
            return None
        start = 0
        while mark is not None and mark < expected + count:
            at = mark - expected
            pending += _canonical_bytes(prevs, chained, start, at)
            payload = bytes(chained[at][len(prevs[at]) :])
            marks.append(Mark(mark, prevs[at], hashes[at], payload, pending))
            pending, start = 0, at + 1
            mark = next(next_mark, None)
        pending += _canonical_bytes(prevs, chained, start, count)
        expected, follows = expected + count, hashes[-1]
    if expected != last + 1:
        return None  # events removed while it was read
    return Run(first, last, first_prev, follows, tuple(marks), pending)


def _canonical_bytes(
    prevs: tuple[str, ...], chained: tuple[bytes, ...], start: int, end: int
) -> int:
    return sum(map(len, chained[start:end])) - sum(map(len, prevs[start:end]))
