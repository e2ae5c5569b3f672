"""Factories for rights-workflow tests: a small policy file, a keyring and opened requests."""

from __future__ import annotations

import re
import secrets
import socket
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.policy.service import LoadedPolicy, load_policy
from dataward.rights import service
from dataward.rights.models import RequestKind, RightsRequest
from dataward.rights.schemas import RequesterIdentities

OPERATOR = "cli:olivia"

POLICY = """\
version: 1
organisation:
  name: Wren Telecom Ltd
  company_number: "09876543"
  registered_office: 2 Quay Street, Bristol BS1 4DJ
  ico_registration: ZA765432
  privacy_contact: privacy@wren.example.com
  nation: {nation}
subjects:
  - key: customer
    name: Customers
retention:
  accounts-6-years:
    period: 6 years
    after: issued_on
    action: delete
    reason: HMRC requires accounting records for 6 years
activities:
  - name: Customer accounts
    purpose: essential.service
    lawful_basis: contract
    subjects: [customer]
    categories: [user.contact.email, user.contact.phone_number, user.financial]
    systems: [billing]
    retention: accounts-6-years
  - name: Newsletter
    purpose: marketing.communications.email
    lawful_basis: consent
    subjects: [customer]
    categories: [user.contact.email]
    systems: [billing]
    retention: accounts-6-years
systems:
  - name: billing
    connector: sql
    connection: {{url_env: BILLING_DB_URL}}
    dataset:
      collections:
        - name: customers
          fields:
            - {{name: id, primary_key: true}}
            - {{name: email, categories: [user.contact.email], identity: email}}
            - {{name: mobile, categories: [user.contact.phone_number], identity: phone_number}}
            - {{name: account_number, categories: [user.financial], identity: account_number}}
"""


def write_policy(folder: Path, *, nation: str = "england-and-wales") -> LoadedPolicy:
    path = folder / "dataward.yaml"
    path.write_text(POLICY.format(nation=nation), encoding="utf-8")
    return load_policy(path)


def new_keyring() -> Keyring:
    return Keyring(secrets.token_bytes(32))


def open_request(
    session: Session,
    *,
    keyring: Keyring,
    clock: Clock,
    policy: LoadedPolicy,
    kind: RequestKind = RequestKind.ACCESS,
    email: str | None = "alice@example.com",
    phone: str | None = None,
    extra: Mapping[str, str] | None = None,
    received_on: date | None = None,
    purposes: Iterable[str] = (),
    details: Mapping[str, Any] | None = None,
) -> RightsRequest:
    return service.open_request(
        session=session,
        keyring=keyring,
        clock=clock,
        actor=OPERATOR,
        kind=kind,
        identities=RequesterIdentities(email=email, phone=phone, extra=dict(extra or {})),
        policy=policy,
        received_on=received_on,
        purposes=purposes,
        details=details,
    )


class Inbox:
    """An aiosmtpd handler keeping every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=email_policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def smtp_server(**options: Any) -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 and a random port, for as long as the block runs."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def mail_settings(port: int, **overrides: Any) -> Settings:
    return Settings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        mail_from="privacy@wren.example.com",
        **overrides,
    )


CODE_LINE = re.compile(r"Your verification code is: (\d{6})")


def code_in(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = CODE_LINE.search(body.get_content())
    assert found is not None, body.get_content()
    return found.group(1)
