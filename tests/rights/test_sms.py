"""Codes for phone numbers go out through a real gateway: an email-to-SMS gateway (a real
aiosmtpd server here) or an HTTP one (a real HTTP server on 127.0.0.1 here)."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from quiet_http import QuietHTTPServer
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.core.clock import FixedClock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.errors import ConfigurationError, ConnectorError, UsageError
from dataward.policy.service import LoadedPolicy
from dataward.rights import service
from dataward.rights.models import IdentityMethod, VerificationCode
from dataward.rights.schemas import PHONE_NUMBER
from dataward.rights.sms import EmailToSmsGateway, HttpSmsGateway, sms_transport

from .household import ALICE_PHONE, Texts
from .request_factories import (
    OPERATOR,
    code_in,
    free_port,
    open_request,
    smtp_server,
    write_policy,
)

CODE_TEXT = r"your code for request DW-2026-\d{6} is (\d{6})\."


class Gateway:
    """What the HTTP gateway was sent, and the status it answers with."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.received: list[tuple[dict[str, str], dict[str, Any]]] = []


@contextmanager
def http_gateway(status: int = 200) -> Iterator[tuple[Gateway, str]]:
    gateway = Gateway(status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            gateway.received.append((dict(self.headers.items()), body))
            self.send_response(gateway.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"id": "msg-1"}')

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = QuietHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway, f"http://127.0.0.1:{server.server_address[1]}/messages"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def policy(tmp_path: Path) -> LoadedPolicy:
    return write_policy(tmp_path)


def test_the_email_to_sms_gateway_mails_the_number_at_the_gateway_domain(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy, phone=ALICE_PHONE)
    with smtp_server() as (inbox, port):
        settings = Settings(
            smtp_host="127.0.0.1",
            smtp_port=port,
            mail_from="privacy@wren.example.com",
            sms_email_domain="sms.gateway.example",
        )
        assert isinstance(sms_transport(settings), EmailToSmsGateway)
        service.send_code(
            session=session,
            keyring=keyring,
            clock=clock,
            settings=settings,
            request=request,
            actor=OPERATOR,
            by="sms",
            organisation="Wren Telecom Ltd",
        )
    [message] = inbox.messages
    assert message["To"] == "447700900001@sms.gateway.example"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert text.startswith("Wren Telecom Ltd: your code for request")
    found = re.search(CODE_TEXT, text)
    assert found is not None
    check = service.verify_with_code(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        code=found.group(1),
        actor="web:requester",
        identity=PHONE_NUMBER,
    )
    assert check.ok
    phone = next(r for r in request.identities if r.identity == PHONE_NUMBER)
    assert phone.method is IdentityMethod.SMS_CODE
    # The phone's code proved the phone; the email was never proved.
    assert not next(r for r in request.identities if r.identity == "email").verified


def test_the_http_gateway_posts_the_number_and_text_with_the_bearer_token(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy, phone=ALICE_PHONE)
    with http_gateway() as (gateway, url):
        settings = Settings(sms_http_url=url, sms_http_token=SecretStr("tok-123"))
        assert isinstance(sms_transport(settings), HttpSmsGateway)
        service.send_code(
            session=session,
            keyring=keyring,
            clock=clock,
            settings=settings,
            request=request,
            actor=OPERATOR,
            by="sms",
        )
    [(headers, body)] = gateway.received
    assert headers["Authorization"] == "Bearer tok-123"
    assert body["to"] == "+447700900001"
    assert request.reference in body["text"]


def test_a_gateway_that_refuses_the_message_is_a_clear_error(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy, phone=ALICE_PHONE)
    with http_gateway(status=401) as (_gateway, url):
        settings = Settings(sms_http_url=url, sms_http_token=SecretStr("wrong"))
        with pytest.raises(ConnectorError, match="refused the message \\(HTTP 401\\)"):
            service.send_code(
                session=session,
                keyring=keyring,
                clock=clock,
                settings=settings,
                request=request,
                actor=OPERATOR,
                by="sms",
            )
    unreachable = HttpSmsGateway(f"http://127.0.0.1:{free_port()}/messages", "tok")
    with pytest.raises(ConnectorError, match="could not reach the SMS gateway"):
        unreachable.send("+447700900001", "hello")


def test_gateway_settings_that_cannot_work_are_named() -> None:
    with pytest.raises(ConfigurationError, match="without DATAWARD_SMS_HTTP_TOKEN"):
        sms_transport(Settings(sms_http_url="http://127.0.0.1:9/x"))
    with pytest.raises(ConfigurationError, match="both"):
        sms_transport(
            Settings(
                sms_http_url="http://127.0.0.1:9/x",
                sms_http_token=SecretStr("t"),
                sms_email_domain="sms.example",
            )
        )
    with pytest.raises(ConfigurationError, match="--by-call-back"):
        sms_transport(Settings())


def test_a_phone_code_without_an_sms_gateway_says_what_to_set_or_to_call_back(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    by_phone = open_request(
        session, keyring=keyring, clock=clock, policy=policy, email=None, phone="07700 900123"
    )
    with pytest.raises(ConfigurationError) as caught:
        service.send_code(
            session=session,
            keyring=keyring,
            clock=clock,
            settings=Settings(),
            request=by_phone,
            actor=OPERATOR,
        )
    assert "DATAWARD_SMS_" in str(caught.value)
    assert "--by-call-back" in str(caught.value)
    assert session.scalars(select(VerificationCode)).all() == []


def test_with_codes_out_to_both_email_and_phone_the_verifier_says_which_one_it_is(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy, phone=ALICE_PHONE)
    texts = Texts()
    with smtp_server() as (inbox, port):
        for by in ("email", "sms"):
            service.send_code(
                session=session,
                keyring=keyring,
                clock=clock,
                settings=Settings(smtp_host="127.0.0.1", smtp_port=port),
                request=request,
                actor=OPERATOR,
                by=by,
                sms=texts,
            )
    with pytest.raises(UsageError, match="--identity email or --identity phone"):
        service.verify_with_code(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request,
            code=texts.last_code(),
            actor="web:requester",
        )
    # The SMS code does not prove the email, nor the emailed code the phone.
    wrong = service.verify_with_code(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        code=texts.last_code(),
        actor="web:requester",
        identity="email",
    )
    assert not wrong.ok
    assert service.verify_with_code(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        code=code_in(inbox.messages[0]),
        actor="web:requester",
        identity="email",
    ).ok
