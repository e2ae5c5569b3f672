"""A small CRM schema and its rows, on any database: the source system of connector tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
)

from dataward.connectors.base import Connector
from dataward.connectors.registry import connect
from dataward.policy.schema import System


def crm_metadata() -> MetaData:
    metadata = MetaData()
    Table(
        "customers",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("email", String(200)),
        Column("phone", String(40)),
        Column("name", String(100)),
        Column("status", String(20), CheckConstraint("status in ('active', 'closed')")),
        Column("created_on", Date),
        Column("ended_on", Date),
        # Not declared in the dataset: a connector must never read it.
        Column("internal_score", Integer),
    )
    Table(
        "tickets",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("customer_id", Integer, ForeignKey("customers.id"), index=True),
        Column("subject", String(200)),
        Column("opened_on", Date),
        Column("contact_email", String(200)),
    )
    Table(
        "ticket_notes",
        metadata,
        Column("ticket_id", Integer, ForeignKey("tickets.id"), primary_key=True),
        Column("line", Integer, primary_key=True, autoincrement=False),
        Column("body", String(500)),
        Column("author", String(100)),
    )
    return metadata


CRM_DATASET: dict[str, Any] = {
    "collections": [
        {
            "name": "customers",
            "fields": [
                {"name": "id", "primary_key": True, "data_type": "integer"},
                {"name": "email", "identity": "email", "categories": ["user.contact.email"]},
                {
                    "name": "phone",
                    "identity": "phone_number",
                    "categories": ["user.contact.phone_number"],
                },
                {"name": "name", "categories": ["user.name"]},
                {"name": "status", "categories": ["system.operations"]},
                {"name": "created_on"},
                {"name": "ended_on"},
            ],
        },
        {
            "name": "tickets",
            "fields": [
                {"name": "id", "primary_key": True, "data_type": "integer"},
                {"name": "customer_id", "references": [{"to": "customers.id"}]},
                {"name": "subject", "categories": ["user.content"]},
                {"name": "opened_on"},
                {
                    "name": "contact_email",
                    "identity": "email",
                    "categories": ["user.contact.email"],
                },
            ],
        },
        {
            "name": "ticket_notes",
            "fields": [
                {"name": "ticket_id", "primary_key": True, "references": [{"to": "tickets.id"}]},
                {"name": "line", "primary_key": True},
                {"name": "body", "categories": ["user.content"]},
                {"name": "author", "categories": ["user.name"]},
            ],
        },
    ]
}


def crm_system(name: str = "crm", env: str = "CRM_DB_URL", **connection: Any) -> System:
    return System.model_validate(
        {
            "name": name,
            "connector": "sql",
            "connection": {"url_env": env, **connection},
            "dataset": CRM_DATASET,
        }
    )


CUSTOMERS = [
    {
        "id": 1,
        "email": "Alice.Smith@Example.co.uk",
        "phone": "07700 900001",
        "name": "Alice Smith",
        "status": "active",
        "created_on": date(2018, 1, 5),
        "ended_on": None,
        "internal_score": 91,
    },
    {
        "id": 2,
        "email": "bob@example.com",
        "phone": "+447700900002",
        "name": "Bob Jones",
        "status": "closed",
        "created_on": date(2017, 3, 1),
        "ended_on": date(2019, 6, 30),
        "internal_score": 12,
    },
    {
        "id": 3,
        "email": "carol@example.com",
        "phone": None,
        "name": "Carol White",
        "status": "closed",
        "created_on": date(2024, 2, 1),
        "ended_on": date(2025, 12, 1),
        "internal_score": 50,
    },
]
TICKETS = [
    {
        "id": 10,
        "customer_id": 1,
        "subject": "Printer",
        "opened_on": date(2019, 1, 1),
        "contact_email": None,
    },
    {
        "id": 11,
        "customer_id": 1,
        "subject": "VPN",
        "opened_on": date(2025, 5, 1),
        "contact_email": None,
    },
    {
        "id": 12,
        "customer_id": 2,
        "subject": "Email",
        "opened_on": date(2019, 2, 1),
        "contact_email": None,
    },
    {
        "id": 13,
        "customer_id": None,
        "subject": "Walk-in",
        "opened_on": date(2020, 1, 1),
        "contact_email": "ALICE.smith@example.co.uk",
    },
]
NOTES = [
    {"ticket_id": 10, "line": 1, "body": "Paper jam", "author": "Eve"},
    {"ticket_id": 10, "line": 2, "body": "Fixed", "author": "Eve"},
    {"ticket_id": 11, "line": 1, "body": "Token reset", "author": "Dan"},
    {"ticket_id": 12, "line": 1, "body": "Quota", "author": "Dan"},
]


@dataclass
class Source:
    """A real database holding the CRM schema, reachable through `url`."""

    backend: str
    url: str
    engine: Engine
    metadata: MetaData

    def empty(self) -> None:
        with self.engine.begin() as connection:
            for table in reversed(self.metadata.sorted_tables):
                connection.execute(table.delete())

    def fill(self) -> None:
        tables = self.metadata.tables
        with self.engine.begin() as connection:
            connection.execute(insert(tables["customers"]), CUSTOMERS)
            connection.execute(insert(tables["tickets"]), TICKETS)
            connection.execute(insert(tables["ticket_notes"]), NOTES)

    def rows(self, table: str) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            chosen = self.metadata.tables[table]
            result = connection.execute(chosen.select().order_by(*chosen.primary_key.columns))
            return [dict(row) for row in result.mappings()]

    def connector(self, **connection: Any) -> Connector:
        return connect(
            crm_system(**connection),
            base_dir=Path("/nonexistent"),
            environ={"CRM_DB_URL": self.url},
        )


def _foreign_keys_on(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def make_source(backend: str, url: str, metadata: MetaData) -> Iterator[Source]:
    engine = create_engine(url)
    if backend == "sqlite":
        event.listen(engine, "connect", _foreign_keys_on)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    try:
        yield Source(backend, url, engine, metadata)
    finally:
        metadata.drop_all(engine)
        engine.dispose()
