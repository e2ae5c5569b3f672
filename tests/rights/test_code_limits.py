"""Codes are rate-limited per request (3 an hour) and per address (5 a day), counted in the
database so the limits hold whichever process sends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict
from dataward.core.runtime import Runtime
from dataward.policy.service import LoadedPolicy
from dataward.rights import service
from dataward.rights.models import RightsRequest

from .household import ALICE, ALICE_PHONE, Texts, no_gateway
from .request_factories import OPERATOR, mail_settings, open_request, smtp_server, write_policy


@pytest.fixture
def policy(tmp_path: Path) -> LoadedPolicy:
    return write_policy(tmp_path)


def _send(
    session: Session, keyring: Keyring, clock: FixedClock, request: RightsRequest, port: int
) -> None:
    service.send_code(
        session=session,
        keyring=keyring,
        clock=clock,
        settings=mail_settings(port),
        request=request,
        actor=OPERATOR,
    )


def test_a_fourth_code_within_the_hour_is_refused_saying_when_to_try_again(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy)
    with smtp_server() as (inbox, port):
        for _ in range(3):  # at 10:00, 10:10 and 10:20
            _send(session, keyring, clock, request, port)
            clock.advance(minutes=10)
        with pytest.raises(Conflict, match=r"3 codes were sent for .* in the last hour") as caught:
            _send(session, keyring, clock, request, port)
        assert caught.value.fix == "try again after 2026-03-02 11:00 UTC"
        assert len(inbox.messages) == 3
        clock.advance(minutes=31)  # 11:01: the 10:00 code no longer counts
        _send(session, keyring, clock, request, port)
    assert len(inbox.messages) == 4


def test_an_address_gets_at_most_five_codes_a_day_across_requests(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    first = open_request(session, keyring=keyring, clock=clock, policy=policy)
    second = open_request(session, keyring=keyring, clock=clock, policy=policy)
    other = open_request(session, keyring=keyring, clock=clock, policy=policy, email="bo@x.org")
    with smtp_server() as (inbox, port):
        for _ in range(3):
            _send(session, keyring, clock, first, port)
        for _ in range(2):
            _send(session, keyring, clock, second, port)
        with pytest.raises(Conflict, match="5 codes were sent to this address") as caught:
            _send(session, keyring, clock, second, port)
        assert caught.value.fix == "try again after 2026-03-03 10:00 UTC"
        # Another address is not held back by Alice's.
        _send(session, keyring, clock, other, port)
        clock.advance(hours=2)
        with pytest.raises(Conflict, match="to this address"):
            _send(session, keyring, clock, second, port)
        clock.advance(hours=22)
        _send(session, keyring, clock, second, port)
    assert len(inbox.messages) == 7


def test_sms_codes_count_against_the_phone_number(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    texts = Texts()
    requests = [
        open_request(session, keyring=keyring, clock=clock, policy=policy, phone=ALICE_PHONE)
        for _ in range(3)
    ]
    for request in requests[:2]:
        for _ in range(2 if request is requests[0] else 3):
            service.send_code(
                session=session,
                keyring=keyring,
                clock=clock,
                settings=no_gateway(),
                request=request,
                actor=OPERATOR,
                by="sms",
                sms=texts,
            )
    with pytest.raises(Conflict, match="to this address"):
        service.send_code(
            session=session,
            keyring=keyring,
            clock=clock,
            settings=no_gateway(),
            request=requests[2],
            actor=OPERATOR,
            by="sms",
            sms=texts,
        )
    # The email of the same person is a different address, with its own count.
    with smtp_server() as (_inbox, port):
        _send(session, keyring, clock, requests[2], port)
    assert len(texts.sent) == 5


def test_the_limit_holds_for_another_process_with_its_own_session(
    runtime: Runtime, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    with smtp_server() as (_inbox, port):
        with runtime.transaction() as first:
            request = open_request(first, keyring=keyring, clock=clock, policy=policy, email=ALICE)
            for _ in range(3):
                _send(first, keyring, clock, request, port)
            reference = request.reference
        with runtime.transaction() as second:
            again = service.get_request(session=second, reference=reference)
            with pytest.raises(Conflict, match="in the last hour"):
                _send(second, keyring, clock, again, port)
