"""Reading the stored events into a ChainVerifier: a fast reader, and the row path behind it.

On SQLite and PostgreSQL the database itself writes each event's canonical bytes (prefixed by
its prev_hash) in the query, with its own JSON string quoting, which escapes exactly as the
reference encoder does; the rows come through a driver cursor a batch at a time, and Python
only hashes and compares, batch-wise:

- every recomputed SHA-256 equals the stored hash,
- the sequences are exactly the next ones expected, with nothing missing, doubled or moved,
- each prev_hash is the hash of the event before.

Events with a checkpoint or a witness entry still go through ChainVerifier.feed() one by one.
A batch with anything else in it (a hash that does not match, a NULL, an odd type, a gap) is
read again through the row path, which parses and re-encodes as it always did, and names the
problem exactly as before. So the fast reader only ever accepts what the row path accepts.

Why the bytes the database writes cannot pass for another event's: every string is quoted by a
JSON encoder (so a quote inside a value is always escaped), the details text is the only raw
part, and it sits between a prefix and a suffix each of which parses one way only; so equal
bytes mean equal fields. Sequences are checked to be integers of the expected run in Python.
"""

from __future__ import annotations

import hashlib
import sqlite3
from bisect import bisect_left
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import String, Text, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from dataward.audit import runs
from dataward.audit.canonical import chain_hash, fields_bytes, load_details, moment_text
from dataward.audit.chained import ISO_UTC_PATTERN, POSTGRES_CHAINED, SQLITE_CHAINED, Link
from dataward.audit.models import AuditEvent

if TYPE_CHECKING:
    from dataward.audit.verify import ChainVerifier, VerifyReport

_HEXDIGEST = type(hashlib.sha256()).hexdigest

# Rows fetched at a time by the fast reader: small batches stay in the CPU's caches between
# the fetch and the hashing (measured: 200-1000 rows beat 5000 by a tenth or more).
FAST_BATCH = {"sqlite": 250, "postgresql": 1000}


def check_rows(
    *,
    session: Session,
    verifier: ChainVerifier,
    after: int = 0,
    batch: int = 5000,
    fast: bool = True,
    workers: int = 1,
) -> VerifyReport:
    """Stream the events after `after` through the verifier; its report at the end.

    fast=False: the row path alone (what the fast reader is tested against). workers > 1: a
    long log is first checked in runs on that many cores (see runs.py; committed events only,
    from a process with no threads of its own); what they cannot vouch for is read here.
    """
    dialect = session.get_bind().dialect.name
    if (
        fast
        and workers > 1
        and after == verifier.expecting()[0] - 1
        and runs.check_in_runs(session=session, verifier=verifier, workers=workers)
    ):
        after = verifier.expecting()[0] - 1  # events appended since they were counted
    if fast and dialect in FAST_BATCH:
        _check_fast(session, verifier, after, batch, dialect)
    else:
        _check_slow(session, verifier, after=after, batch=batch)
    return verifier.finish()


def _check_fast(
    session: Session, verifier: ChainVerifier, after: int, batch: int, dialect: str
) -> bool:
    raw = session.connection().connection
    if dialect == "sqlite":
        cursor: Any = raw.cursor()
        chained, placeholder = SQLITE_CHAINED, "?"
    else:
        # A server-side cursor, binary: memory stays flat, and bytea arrives as it is.
        cursor = raw.driver_connection.cursor(name="audit_verify", binary=True)  # type: ignore[union-attr]
        chained, placeholder = POSTGRES_CHAINED, "%s"
    sql = (
        f"SELECT sequence, prev_hash, {chained}, hash FROM {AuditEvent.__tablename__}"
        f" WHERE sequence > {placeholder} ORDER BY sequence"
    )
    marked = sorted(verifier.marked_sequences())
    size = min(batch, FAST_BATCH[dialect])
    try:
        try:
            cursor.execute(sql, (after,))
        except sqlite3.Error:
            return _check_slow(session, verifier, after=after, batch=batch)
        while True:
            try:
                rows = cursor.fetchmany(size)
            except sqlite3.Error:  # e.g. a column tampered into a BLOB, which JSON refuses
                start, _ = verifier.expecting()
                return _check_slow(session, verifier, after=start - 1, batch=batch)
            if not rows:
                return True
            if not _accept_batch(verifier, rows, marked):
                # Anything unusual: these events again, through the row path.
                first, last = rows[0][0], rows[-1][0]
                if not _check_slow(session, verifier, first=first, last=last, batch=batch):
                    return False
            if verifier.report.problem is not None:
                return False
    finally:
        cursor.close()


def _accept_batch(verifier: ChainVerifier, rows: list[Any], marked: list[int]) -> bool:
    """True if the whole batch checked out (marked events fed one by one); False to re-read
    it through the row path, with the verifier left where the batch starts."""
    sequences, prevs, chained, hashes = zip(*rows, strict=True)
    expected, follows = verifier.expecting()
    count = len(rows)
    if sequences != tuple(range(expected, expected + count)) or prevs[0] != follows:
        return False
    if prevs[1:] != hashes[:-1]:
        return False
    try:
        digests = list(map(_HEXDIGEST, map(hashlib.sha256, chained)))
    except TypeError:  # a NULL: not an event the fast reader can write
        return False
    if digests != list(hashes):
        return False
    # Events with a checkpoint or a witness entry: through feed(), for their signatures.
    done = 0
    for sequence in marked[bisect_left(marked, expected) :]:
        if sequence >= expected + count:
            break
        at = sequence - expected
        _accept(verifier, prevs, chained, hashes, done, at)
        payload = chained[at][len(prevs[at]) :]
        if not verifier.feed(Link(sequence, prevs[at], hashes[at]), payload, hashes[at]):
            return True
        done = at + 1
    _accept(verifier, prevs, chained, hashes, done, count)
    return True


def _accept(
    verifier: ChainVerifier,
    prevs: tuple[str, ...],
    chained: tuple[bytes, ...],
    hashes: tuple[str, ...],
    start: int,
    end: int,
) -> None:
    if end > start:
        size = sum(map(len, chained[start:end])) - sum(map(len, prevs[start:end]))
        last_sequence = verifier.expecting()[0] + end - start - 1
        verifier.accept_run(end - start, size, last_sequence, hashes[end - 1])


def _moment(value: object) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if not isinstance(moment, datetime):
        raise TypeError(f"audit_events.at holds {moment!r}, not a moment")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _moment_text(value: object) -> str:
    """What the hash covers of `at`: UTC, microseconds, "+00:00"."""
    # SQLite hands back the text SQLAlchemy stored (always this shape): rewriting it is much
    # cheaper than parsing it. Anything else goes through a datetime.
    if isinstance(value, str) and len(value) == 26 and value[10] == " " and value[19] == ".":
        return f"{value[:10]}T{value[11:]}+00:00"
    if isinstance(value, str) and len(value) == 32 and value[10] == "T" and value[26:] == "+00:00":
        return value  # PostgreSQL's to_char(ISO_UTC_PATTERN)
    return moment_text(_moment(value))


def _check_slow(
    session: Session,
    verifier: ChainVerifier,
    *,
    after: Any = None,
    first: Any = None,
    last: Any = None,
    batch: int = 5000,
) -> bool:
    """The row path: the events after `after` (or `first` to `last`) through the verifier,
    hashing from their columns; False once it found a problem.

    First the stored details text as it is (events store canonical text); where that does not
    give the stored hash, the details are parsed and re-encoded, as they always were.
    """
    dialect = session.get_bind().dialect.name
    at: Any = AuditEvent.at  # a column, or an expression giving its text
    if dialect == "sqlite":
        at = type_coerce(AuditEvent.at, String)
    elif dialect == "postgresql":
        # The server writes the text the hash covers; converting datetimes here costs more.
        at = func.to_char(func.timezone("UTC", AuditEvent.at), ISO_UTC_PATTERN)
    query = select(
        AuditEvent.sequence,
        at,
        AuditEvent.actor,
        AuditEvent.action,
        AuditEvent.object_type,
        AuditEvent.object_id,
        AuditEvent.subject,
        cast(AuditEvent.details, Text),
        AuditEvent.prev_hash,
        AuditEvent.hash,
    ).order_by(AuditEvent.sequence)
    if after is not None:
        query = query.where(AuditEvent.sequence > after)
    if first is not None:
        query = query.where(AuditEvent.sequence >= first, AuditEvent.sequence <= last)
    # A server-side cursor on PostgreSQL: memory stays flat however long the log is.
    result = session.connection().execute(query.execution_options(yield_per=batch))
    # The common case inline (an event that follows, hashes right, and has no checkpoint or
    # witness entry): counted here in runs; anything else goes through feed() one by one.
    marked = verifier.marked_sequences()
    expected, follows = verifier.expecting()
    run = run_bytes = 0
    dumps, sha256 = orjson.dumps, hashlib.sha256
    for row in result:
        sequence, moment, actor, action, object_type, object_id, subject, details, prev, stored = (
            row
        )
        # canonical.stored_bytes(), inlined: this loop is what the row path's speed is.
        before = dumps({"action": action, "actor": actor, "at": _moment_text(moment)})
        rest = {"object_id": object_id, "object_type": object_type, "sequence": sequence}
        tail = dumps({**rest, "subject": subject})
        text = b"null" if details is None else details.encode("utf-8")
        payload = b"".join((before[:-1], b',"details":', text, b",", tail[1:]))
        digest = sha256(prev.encode("ascii") + payload).hexdigest()
        if digest == stored and sequence == expected and prev == follows and sequence not in marked:
            run += 1
            run_bytes += len(payload)
            expected += 1
            follows = stored
            continue
        if digest != stored:
            payload = fields_bytes(
                sequence=sequence,
                at=_moment(moment),
                actor=actor,
                action=action,
                object_type=object_type,
                object_id=object_id,
                subject=subject,
                details=load_details(details),
            )
            digest = chain_hash(prev, payload)
        verifier.accept_run(run, run_bytes, expected - 1, follows)
        run = run_bytes = 0
        if not verifier.feed(Link(sequence, prev, stored), payload, digest):
            result.close()
            return False
        expected, follows = verifier.expecting()
    verifier.accept_run(run, run_bytes, expected - 1, follows)
    return True
