"""The register's rows: built from an arriving event, sealed, digested and written in bulk.

A webhook may deliver thousands of events a second, so a batch is written the fastest way the
database has (PostgreSQL: COPY) and read back by its ids in one query, as the audit chain's
own record_many does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import ARRAY, String, any_, insert, literal, select
from sqlalchemy.orm import Session

from dataward.access.models import AccessEvent
from dataward.access.rules import EventFacts
from dataward.access.schemas import AccessEventIn
from dataward.core.crypto import Keyring
from dataward.policy.schema import AccessKind

# The columns a row is written with, in the order COPY sends them.
COLUMNS = (
    "source",
    "source_event_id",
    "kind",
    "client",
    "device",
    "started_at",
    "ended_at",
    "attended",
    "warning_shown",
    "device_in_use",
    "reason",
    "incident",
    "role",
    "system",
    "collection",
    "sealed",
    "received_at",
    "audit_sequence",
)
FACTS = (
    "kind",
    "attended",
    "warning_shown",
    "device_in_use",
    "reason",
    "incident",
    "role",
    "system",
    "collection",
)


def seal_context(source: str, event_id: str) -> str:
    return f"access-event:{source}:{event_id}"


def new_row(
    *,
    session: Session,
    keyring: Keyring,
    source: str,
    kind: AccessKind,
    item: AccessEventIn,
    note: str | None,
    now: datetime,
) -> dict[str, Any]:
    """The row's columns (all but the id and the audit sequence), who and where sealed."""
    named = {
        "engineer": item.engineer,
        "username": item.username,
        "ip_address": item.ip_address,
        "hostname": item.hostname,
        "note": note,
    }
    sealed = keyring.seal_note(
        orjson.dumps(
            {k: v for k, v in named.items() if v is not None}, option=orjson.OPT_SORT_KEYS
        ).decode(),
        context=seal_context(source, item.event_id),
        session=session,
    )
    return {
        "source": source,
        "source_event_id": item.event_id,
        "kind": kind.value,
        "client": item.client,
        "device": item.device,
        "started_at": item.started_at.astimezone(UTC),
        "ended_at": item.ended_at.astimezone(UTC) if item.ended_at else None,
        "attended": item.attended,
        "warning_shown": item.warning_shown,
        "device_in_use": item.device_in_use,
        "reason": item.reason,
        "incident": item.incident,
        "role": item.role,
        "system": item.system,
        "collection": item.collection,
        "sealed": sealed,
        "received_at": now,
    }


def columns_of(row: AccessEvent) -> dict[str, Any]:
    return {name: getattr(row, name) for name in COLUMNS}


def facts(values: Mapping[str, Any]) -> EventFacts:
    return EventFacts(**{name: values[name] for name in FACTS})


def row_digest(keyring: Keyring, values: Mapping[str, Any]) -> str:
    """A keyed digest of every stored column but the id and the audit link: kept in the
    event's audit entry, it shows a row changed in the database (the key is not in the
    database, so whoever changes a row cannot recompute it there)."""
    # Moments are UTC in both (new_row converts, UTCDateTime reads back as UTC), and orjson
    # writes a datetime as RFC 3339 text, so the same row always gives the same bytes.
    fields = {name: values[name] for name in COLUMNS if name != "audit_sequence"}
    return keyring.digest(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS).decode())


def among(session: Session, column: Any, values: Sequence[str]) -> Any:
    """`column IN values`; on PostgreSQL one array parameter (`= ANY`), which a batch of a
    thousand ids costs far less to send and plan than a thousand parameters."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(values), ARRAY(String)))
    return column.in_(values)


def write_rows(session: Session, source: str, rows: Sequence[dict[str, Any]]) -> list[AccessEvent]:
    """Insert in the session's transaction; the rows as stored, in the order given."""
    if not rows:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        copy_sql = f"COPY access_events ({', '.join(COLUMNS)}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:  # type: ignore[union-attr]  # psycopg connection on this dialect
            for row in rows:
                copy.write_row(tuple(row[name] for name in COLUMNS))
    else:
        connection.execute(insert(AccessEvent), list(rows))
    ids = [row["source_event_id"] for row in rows]
    stored = {
        row.source_event_id: row
        for row in session.scalars(
            select(AccessEvent).where(
                AccessEvent.source == source, among(session, AccessEvent.source_event_id, ids)
            )
        )
    }
    return [stored[event_id] for event_id in ids]
