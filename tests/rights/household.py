"""Wren Telecom's billing system as a real SQLite file: Alice, her partner on the same phone,
Bob, and Mallory, who would like to read Bob's account."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.policy.service import LoadedPolicy
from dataward.rights import service
from dataward.rights.context import ExecutionContext, Retry
from dataward.rights.models import RightsRequest

from .request_factories import OPERATOR, code_in, mail_settings, smtp_server

ALICE = "alice@example.com"
ALICE_PHONE = "07700 900001"
PARTNER = "sam@example.com"
BOB = "bob@example.com"
BOB_PHONE = "07700 900002"
BOB_ACCOUNT = "AC-2002"
MALLORY = "mallory@example.com"

CUSTOMERS: list[dict[str, Any]] = [
    {"id": 1, "email": ALICE, "mobile": "07700900001", "account_number": "AC-1001"},
    {"id": 2, "email": BOB, "mobile": "07700900002", "account_number": BOB_ACCOUNT},
    {"id": 3, "email": MALLORY, "mobile": "07700900003", "account_number": "AC-3003"},
    # Alice's partner gave the household's phone number when signing up.
    {"id": 4, "email": PARTNER, "mobile": "07700900001", "account_number": "AC-4004"},
]


def build_billing(folder: Path) -> str:
    """The billing database the Wren policy (request_factories.POLICY) describes; its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'billing.db'}"
    engine = sa.create_engine(url)
    metadata = sa.MetaData()
    customers = sa.Table(
        "customers",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200)),
        sa.Column("mobile", sa.String(20)),
        sa.Column("account_number", sa.String(20)),
    )
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(customers.insert(), CUSTOMERS)
    engine.dispose()
    return url


def customer_ids(url: str) -> list[int]:
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        ids = [row[0] for row in connection.execute(sa.text("SELECT id FROM customers"))]
    engine.dispose()
    return sorted(ids)


def context(
    session: Session, *, keyring: Keyring, clock: Clock, policy: LoadedPolicy, url: str, home: Path
) -> ExecutionContext:
    return ExecutionContext(
        session=session,
        keyring=keyring,
        clock=clock,
        home=home,
        actor=OPERATOR,
        loaded=policy,
        environ={"BILLING_DB_URL": url},
        retry=Retry(attempts=1, backoff=0.0, sleep=lambda _seconds: None),
        commit=session.commit,
    )


def verify_email_by_code(
    session: Session, *, keyring: Keyring, clock: Clock, request: RightsRequest
) -> None:
    """What a requester does: receive the emailed code through real SMTP and type it in."""
    with smtp_server() as (inbox, port):
        service.send_code(
            session=session,
            keyring=keyring,
            clock=clock,
            settings=mail_settings(port),
            request=request,
            actor=OPERATOR,
            by="email",
        )
    check = service.verify_with_code(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        code=code_in(inbox.messages[0]),
        actor="web:requester",
    )
    assert check.ok, check


class Texts:
    """The SMS test double: keeps each text instead of sending it."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def send(self, to_e164: str, text: str) -> None:
        self.sent.append((to_e164, text))

    def last_code(self) -> str:
        found = re.search(r"is (\d{6})\.", self.sent[-1][1])
        assert found is not None, self.sent[-1][1]
        return found.group(1)


def no_gateway() -> Settings:
    return Settings(mail_from="privacy@wren.example.com")
