"""A small helpdesk database on SQLite, PostgreSQL or MariaDB, matching conftest's policy."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    insert,
    select,
)

metadata = MetaData()
customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("email", String(200)),
    Column("ended_on", Date),
)
tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
    Column("subject", String(200)),
)
enquiries = Table(
    "enquiries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("from_email", String(200)),
    Column("received_on", Date, index=True),
    Column("became_customer", Boolean),
)
calls = Table(
    "calls",
    metadata,
    Column("site", String(20), primary_key=True),
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("recorded_at", DateTime, index=True),
)


def create(engine: Engine) -> None:
    metadata.drop_all(engine)
    metadata.create_all(engine)


def load(engine: Engine, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
    rows = list(rows)
    if rows:
        with engine.begin() as connection:
            connection.execute(insert(table), rows)


def keys(engine: Engine, table: Table) -> set[tuple[Any, ...]]:
    with engine.connect() as connection:
        pk = list(table.primary_key.columns)
        return {tuple(row) for row in connection.execute(select(*pk))}


def rows(engine: Engine, table: Table) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(select(table)).mappings()]
