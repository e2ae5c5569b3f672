"""The audit log: every domain appends here, in the same transaction as its change."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, insert, select, text
from sqlalchemy.orm import Session

from dataward.audit.canonical import canonical as canonical
from dataward.audit.canonical import chain_hash as chain_hash
from dataward.audit.canonical import (
    load_details,
    moment_text,
    reference_canonical,
    stored_bytes,
)
from dataward.audit.chain import EVENT_COLUMNS as EVENT_COLUMNS
from dataward.audit.chain import ChainEnd as ChainEnd
from dataward.audit.chain import ChainHead as ChainHead
from dataward.audit.chain import ChainLink as ChainLink
from dataward.audit.chain import EventRecord as EventRecord
from dataward.audit.chain import event_bytes as event_bytes
from dataward.audit.chain import event_fields as event_fields
from dataward.audit.chain import expected_hash as expected_hash
from dataward.audit.chain import next_event as next_event
from dataward.audit.models import GENESIS_HASH as GENESIS_HASH
from dataward.audit.models import AuditEvent
from dataward.core import jobs
from dataward.core.clock import LONDON, Clock
from dataward.core.runtime import at_boundary_end

# Two writers must never both read the same head and append after it (a fork). PostgreSQL:
# a transaction-level advisory lock serialises appenders until commit or rollback, so the
# head read after taking it is the committed one. SQLite: there is one writer at a time by
# construction; a transaction whose snapshot is stale cannot take the write lock (it fails
# with "database is locked" and the boundary retries it), and the primary key on `sequence`
# rejects a duplicate even if that ever changed. So no explicit lock is needed there.
CHAIN_LOCK = 0x6461746177617264  # "dataward" as a 64-bit integer

# record() queues a checkpoint job every this many events; the job (which has the settings
# and the signing key) signs every multiple of `checkpoint_every` not yet signed.
CHECKPOINT_PROBE = 100
CHECKPOINT_JOB = "audit.checkpoint"
SEAL_HOOK = "dataward.audit.sealing:seal_after_boundary"

EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _plain_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    """JSON round trip: what is hashed is exactly what the database gives back later."""
    return _checked_details(details)[0]


def _checked_details(
    details: Mapping[str, Any] | None, *, parse: bool = True
) -> tuple[dict[str, Any], bytes]:
    """The details as the database will give them back, and their canonical bytes.

    parse=False (record_many, which stores the canonical bytes themselves) skips reading them
    back unless they must be searched for an email address; the mapping given is returned.
    """
    if details is None:
        return {}, b"{}"
    try:
        # The reference encoder: it refuses whatever is not plain JSON, as it always has.
        text = reference_canonical(dict(details))
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"audit details must be plain JSON (str, number, list, dict): {exc}"
        ) from exc
    if not parse and b"@" not in text:  # only then can there be an address to look for
        return dict(details), text
    plain: dict[str, Any] = load_details(text)
    _refuse_personal_data(plain, "details")
    return plain, text


def _refuse_personal_data(value: Any, path: str) -> None:
    if isinstance(value, str) and "@" in value and EMAIL_PATTERN.search(value):
        raise ValueError(
            f"audit {path} holds what looks like an email address; the audit log must never "
            "carry plaintext personal data: record a pseudonym or keyring.digest(value)"
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_personal_data(key, path)
            _refuse_personal_data(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_personal_data(item, f"{path}[{index}]")


def lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def head(session: Session) -> AuditEvent | None:
    return session.scalar(select(AuditEvent).order_by(AuditEvent.sequence.desc()).limit(1))


# After this transaction has appended, nobody else can until it ends (PostgreSQL: the advisory
# lock; SQLite: its write lock), so the head it wrote is still the head: later appends in it
# skip the lock and the read. Kept per (savepoint or) transaction, so a savepoint rolled back
# or a new transaction reads the head again.
_OWN_HEAD = "dataward.audit.own_head"


def _innermost(session: Session) -> object:
    return session.get_nested_transaction() or session.get_transaction()


def _appending_head(session: Session) -> ChainHead | None:
    """The head to append after, locking the chain unless this transaction already holds it."""
    known = session.info.get(_OWN_HEAD)
    if known is not None and known[0] is _innermost(session):
        head: ChainHead = known[1]
        return head
    lock_chain(session)
    return chain_head(session)


def _remember_head(session: Session, head: ChainHead) -> None:
    session.info[_OWN_HEAD] = (_innermost(session), head)


def chain_head(session: Session) -> ChainHead | None:
    """The last sequence and hash only: what record() needs, without loading the event."""
    row = session.execute(
        select(AuditEvent.sequence, AuditEvent.hash).order_by(AuditEvent.sequence.desc()).limit(1)
    ).first()
    return None if row is None else ChainHead(row.sequence, row.hash)


def _checked_subject(subject: str | None) -> str | None:
    if subject is not None and "@" in subject:
        raise ValueError("audit subject must be a pseudonym (Person.pseudonym), never an email")
    return subject


def _appended(*, session: Session, clock: Clock, first: int, last: int) -> None:
    """Mark the boundary for a checkpoint, and queue the interval job when a probe was crossed."""
    # Whatever appended events gets them signed and witnessed when its command or job ends.
    at_boundary_end(session, SEAL_HOOK)
    probe = last - last % CHECKPOINT_PROBE
    if probe >= first and probe > 0:
        jobs.enqueue(
            session=session,
            clock=clock,
            kind=CHECKPOINT_JOB,
            payload={"sequence": probe},
            dedupe_key=f"{CHECKPOINT_JOB}:{probe}",
        )


def record(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None = None,
    subject: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain in the caller's transaction."""
    plain = _plain_details(details)
    _checked_subject(subject)
    event = next_event(
        _appending_head(session),
        at=clock.now(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        subject=subject,
        details=plain,
    )
    session.add(event)
    session.flush()
    _remember_head(session, ChainHead(event.sequence, event.hash))
    _appended(session=session, clock=clock, first=event.sequence, last=event.sequence)
    return event


@dataclass(frozen=True)
class NewEvent:
    """One event for record_many(): what record() takes besides the session and the clock."""

    actor: str
    action: str
    object_type: str
    object_id: str | None = None
    subject: str | None = None
    details: Mapping[str, Any] | None = None


def record_many(*, session: Session, clock: Clock, events: Iterable[NewEvent]) -> list[ChainHead]:
    """Append events in order in the caller's transaction: one head read, one executemany.

    All of them carry the same moment (clock.now() once). Returns each one's sequence and hash.
    """
    checked = [(event, _checked_details(event.details, parse=False)) for event in events]
    for event, _ in checked:
        _checked_subject(event.subject)
    if not checked:
        return []
    session.flush()  # pending ORM rows first, so the order of the chain is the order of work
    last = _appending_head(session)
    sequence, prev_hash = (0, GENESIS_HASH) if last is None else last
    at = clock.now().astimezone(UTC)
    at_text = moment_text(at)
    rows: list[dict[str, Any]] = []
    texts: list[str] = []
    for event, (details, details_bytes) in checked:
        sequence += 1
        details_text = details_bytes.decode("utf-8")
        texts.append(details_text)
        digest = chain_hash(
            prev_hash,
            stored_bytes(
                sequence=sequence,
                at_text=at_text,
                actor=event.actor,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                subject=event.subject,
                details_text=details_text,
            ),
        )
        rows.append(
            {
                "sequence": sequence,
                "at": at,
                "actor": event.actor,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "subject": event.subject,
                "details": details,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    _insert_rows(session, rows, texts)
    _remember_head(session, ChainHead(sequence, prev_hash))
    _appended(session=session, clock=clock, first=rows[0]["sequence"], last=sequence)
    return [ChainHead(row["sequence"], row["hash"]) for row in rows]


_COPY_COLUMNS = (
    "sequence",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "subject",
    "details",
    "prev_hash",
    "hash",
)


def _insert_rows(session: Session, rows: list[dict[str, Any]], texts: list[str]) -> None:
    """Insert in the session's transaction, the fastest way the database has."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(AuditEvent), rows)  # one executemany
        return
    # PostgreSQL: COPY. An executemany sends a statement per row, and a multi-row INSERT of
    # thousands of parameters costs psycopg more to prepare than the rows cost to send.
    driver = connection.connection.driver_connection
    copy_sql = f"COPY audit_events ({', '.join(_COPY_COLUMNS)}) FROM STDIN"
    with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:  # type: ignore[union-attr]  # psycopg connection on this dialect
        for row, details_text in zip(rows, texts, strict=True):
            copy.write_row(
                (
                    row["sequence"],
                    row["at"],
                    row["actor"],
                    row["action"],
                    row["object_type"],
                    row["object_id"],
                    row["subject"],
                    details_text,  # canonical text, as CanonicalJSON stores it
                    row["prev_hash"],
                    row["hash"],
                )
            )


@dataclass(frozen=True)
class EventFilter:
    since: date | None = None
    action_prefix: str | None = None
    subject: str | None = None
    # The console's filters: who, about what, and the last day (inclusive, UK time).
    actor: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    until: date | None = None


def _day_start(day: date) -> datetime:
    # A date means that day in the UK, whatever the hour (as every date in Dataward).
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def _filtered(query: Select[AuditEvent], where: EventFilter) -> Select[AuditEvent]:
    if where.since is not None:
        query = query.where(AuditEvent.at >= _day_start(where.since))
    if where.until is not None and where.until < date.max:  # the last day has no morrow
        query = query.where(AuditEvent.at < _day_start(where.until + timedelta(days=1)))
    if where.action_prefix:
        prefix = where.action_prefix.rstrip(".")
        query = query.where(
            (AuditEvent.action == prefix)
            | AuditEvent.action.startswith(prefix + ".", autoescape=True)
        )
    if where.subject:
        query = query.where(AuditEvent.subject == where.subject)
    if where.actor:
        query = query.where(AuditEvent.actor == where.actor)
    if where.object_type:
        query = query.where(AuditEvent.object_type == where.object_type)
    if where.object_id:
        query = query.where(AuditEvent.object_id == where.object_id)
    return query


def matching(where: EventFilter) -> Select[AuditEvent]:
    """The events `where` selects, unordered: callers add their own order and keyset."""
    return _filtered(select(AuditEvent), where)


def events(
    *, session: Session, where: EventFilter = EventFilter(), batch: int = 1000
) -> Iterator[AuditEvent]:
    """Matching events in sequence order, read in keyset batches (the log may be huge)."""
    after = 0
    while True:
        query = _filtered(select(AuditEvent), where).where(AuditEvent.sequence > after)
        rows = list(session.scalars(query.order_by(AuditEvent.sequence).limit(batch)))
        yield from rows
        if len(rows) < batch:
            return
        after = rows[-1].sequence
