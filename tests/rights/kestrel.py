"""Kestrel IT: a small business with three real SQLite systems, for the execution tests.

crm (customers, their tickets and contracts), billing (invoices, kept 6 years for HMRC; linked
to the crm by email) and calls (a call log by phone number, independent of the others).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.policy.service import LoadedPolicy, load_policy
from dataward.rights import service
from dataward.rights.models import RequestKind, RightsRequest
from dataward.rights.schemas import RequesterIdentities

from .kestrel_policy import POLICY as POLICY

OPERATOR = "cli:olivia"
ALICE = "alice@example.com"
ALICE_PHONE = "+447700900001"
BOB = "bob@example.com"
NOBODY = "carol@example.com"


def crm_tables(metadata: sa.MetaData) -> None:
    sa.Table(
        "customers",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), index=True),
        sa.Column("phone", sa.String(20), index=True),
        sa.Column("name", sa.String(200)),
        sa.Column("created_on", sa.Date),
    )
    sa.Table(
        "tickets",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), index=True),
        sa.Column("subject", sa.Text),
        sa.Column("opened_on", sa.Date),
    )
    sa.Table(
        "contracts",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id"), index=True),
        sa.Column("signatory_email", sa.String(200), index=True),
        sa.Column("started_on", sa.Date),
        sa.Column("ended_on", sa.Date, nullable=True),
    )


def billing_tables(metadata: sa.MetaData) -> None:
    sa.Table(
        "invoices",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_email", sa.String(200), index=True),
        # The old billing system only takes national numbers: 11 digits, no "+44".
        sa.Column(
            "billing_phone",
            sa.String(11),
            sa.CheckConstraint("length(billing_phone) <= 11", name="national_number"),
        ),
        sa.Column("amount", sa.Numeric(10, 2)),
        sa.Column("issued_on", sa.Date),
    )


def calls_tables(metadata: sa.MetaData) -> None:
    sa.Table(
        "call_log",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("caller", sa.String(20), index=True),
        sa.Column("called_on", sa.Date),
        sa.Column("minutes", sa.Integer),
    )


ROWS: dict[str, dict[str, list[dict[str, Any]]]] = {
    "crm": {
        "customers": [
            {
                "id": 1,
                "email": ALICE,
                "phone": ALICE_PHONE,
                "name": "Alice Archer",
                "created_on": date(2019, 2, 1),
            },
            {
                "id": 2,
                "email": BOB,
                "phone": "+447700900002",
                "name": "Bob Baker",
                "created_on": date(2024, 1, 5),
            },
        ],
        "tickets": [
            {
                "id": 10,
                "customer_id": 1,
                "subject": "Printer offline",
                "opened_on": date(2025, 11, 3),
            },
            {"id": 11, "customer_id": 1, "subject": "VPN drops", "opened_on": date(2026, 1, 12)},
            {"id": 12, "customer_id": 2, "subject": "New laptop", "opened_on": date(2026, 2, 2)},
        ],
        "contracts": [
            {
                "id": 20,
                "customer_id": 1,
                "signatory_email": ALICE,
                "started_on": date(2023, 4, 1),
                "ended_on": None,
            },
        ],
    },
    "billing": {
        "invoices": [
            {
                "id": 30,
                "customer_email": ALICE,
                "billing_phone": "07700900001",
                "amount": "120.00",
                "issued_on": date(2019, 3, 1),
            },
            {
                "id": 31,
                "customer_email": ALICE,
                "billing_phone": "07700900001",
                "amount": "95.50",
                "issued_on": date(2025, 6, 1),
            },
            {
                "id": 32,
                "customer_email": BOB,
                "billing_phone": "07700900002",
                "amount": "40.00",
                "issued_on": date(2026, 1, 31),
            },
        ]
    },
    "calls": {
        "call_log": [
            {"id": 40, "caller": ALICE_PHONE, "called_on": date(2026, 2, 20), "minutes": 7},
            {"id": 41, "caller": "+447700900099", "called_on": date(2026, 2, 21), "minutes": 3},
        ]
    },
}

BUILDERS = {"crm": crm_tables, "billing": billing_tables, "calls": calls_tables}
ENV = {"crm": "KESTREL_CRM_URL", "billing": "KESTREL_BILLING_URL", "calls": "KESTREL_CALLS_URL"}


@dataclass
class Kestrel:
    folder: Path
    loaded: LoadedPolicy
    urls: dict[str, str]
    engines: dict[str, sa.Engine] = field(default_factory=dict)

    @property
    def environ(self) -> dict[str, str]:
        return {ENV[name]: url for name, url in self.urls.items()}

    def rows(self, system: str, table: str) -> list[dict[str, Any]]:
        with self.engines[system].connect() as connection:
            result = connection.execute(sa.text(f"SELECT * FROM {table} ORDER BY id"))
            return [dict(row._mapping) for row in result]

    def execute(self, system: str, statement: str) -> None:
        with self.engines[system].begin() as connection:
            connection.execute(sa.text(statement))

    def dispose(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


def build(folder: Path, urls: dict[str, str] | None = None) -> Kestrel:
    """Create and fill the three systems (SQLite files unless URLs are given) and the policy."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = {name: f"sqlite:///{folder / f'{name}.db'}" for name in BUILDERS}
    chosen.update(urls or {})
    engines: dict[str, sa.Engine] = {}
    for name, builder in BUILDERS.items():
        metadata = sa.MetaData()
        builder(metadata)
        engine = sa.create_engine(chosen[name])
        metadata.create_all(engine)
        with engine.begin() as connection:
            for table in metadata.sorted_tables:
                rows = ROWS[name].get(table.name, [])
                if rows:
                    connection.execute(table.insert(), rows)
        engines[name] = engine
    path = folder / "dataward.yaml"
    path.write_text(yaml.safe_dump(POLICY, sort_keys=False), encoding="utf-8")
    return Kestrel(folder=folder, loaded=load_policy(path), urls=chosen, engines=engines)


def new_keyring() -> Keyring:
    return Keyring(secrets.token_bytes(32), source="test")


def verified_request(
    session: Any,
    *,
    keyring: Keyring,
    clock: Clock,
    kestrel: Kestrel,
    kind: RequestKind,
    email: str | None = ALICE,
    phone: str | None = None,
    purposes: tuple[str, ...] = (),
    details: dict[str, Any] | None = None,
) -> RightsRequest:
    """A request opened and verified by staff, as the direct commands do."""
    request = service.open_request(
        session=session,
        keyring=keyring,
        clock=clock,
        actor=OPERATOR,
        kind=kind,
        identities=RequesterIdentities(email=email, phone=phone),
        policy=kestrel.loaded,
        purposes=purposes,
        details=details,
    )
    service.assert_identities(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=OPERATOR,
        evidence="driving licence seen at the office",
    )
    return request
