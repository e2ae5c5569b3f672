"""Identity by a one-time code sent through a real SMTP server, or by evidence staff saw."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, ConnectorError, UsageError
from dataward.core.jobs import Job
from dataward.policy.service import LoadedPolicy
from dataward.rights import service
from dataward.rights.models import (
    RequestKind,
    RequestState,
    RightsRequest,
    VerificationCode,
    VerificationMethod,
)
from dataward.rights.verification import MAX_ATTEMPTS, CodeCheck, CodeOutcome

from .request_factories import (
    OPERATOR,
    code_in,
    free_port,
    mail_settings,
    new_keyring,
    open_request,
    smtp_server,
    write_policy,
)

S = RequestState


@pytest.fixture
def policy(tmp_path: Path) -> LoadedPolicy:
    return write_policy(tmp_path)


@pytest.fixture
def keyring() -> Keyring:
    return new_keyring()


@pytest.fixture
def request_row(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> RightsRequest:
    # Received on Friday 27 February 2026; the clock stands at Monday 2 March.
    return open_request(
        session, keyring=keyring, clock=clock, policy=policy, received_on=date(2026, 2, 27)
    )


def _send(
    session: Session, keyring: Keyring, clock: FixedClock, request: RightsRequest, port: int
) -> VerificationCode:
    return service.send_code(
        session=session,
        keyring=keyring,
        clock=clock,
        settings=mail_settings(port),
        request=request,
        actor=OPERATOR,
        organisation="Wren Telecom Ltd",
    )


def _verify(
    session: Session, keyring: Keyring, clock: FixedClock, request: RightsRequest, code: str
) -> CodeCheck:
    return service.verify_with_code(
        session=session, keyring=keyring, clock=clock, request=request, code=code, actor=OPERATOR
    )


def _actions(session: Session, request: RightsRequest) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == request.reference)
            .order_by(AuditEvent.sequence)
        )
    )


def _execution_jobs(session: Session, request: RightsRequest) -> list[Job]:
    jobs = session.scalars(select(Job).where(Job.kind == "rights.execute")).all()
    return [j for j in jobs if j.payload == {"request_id": request.id}]


# the email


def test_code_is_emailed_to_the_requester_saying_what_it_is_for_and_when_it_expires(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    with smtp_server() as (inbox, port):
        row = _send(session, keyring, clock, request_row, port)

    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "alice@example.com"
    assert message["From"] == "privacy@wren.example.com"
    assert request_row.reference in message["Subject"]
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "You asked Wren Telecom Ltd for a copy of the personal data we hold about you" in text
    # 10:00 UTC on 2 March 2026 is 10:00 in London (GMT); the code lasts 24 hours.
    assert "It expires at 10:00 on 3 March 2026 (UK time)" in text
    assert "If you did not make this request, ignore this email" in text
    code = code_in(message)
    assert row.expires_at == clock.now().replace(day=3)
    assert code not in row.code_hash
    assert request_row.state is S.AWAITING_VERIFICATION
    assert _actions(session, request_row)[-2:] == [
        "rights.request.awaiting_verification",
        "rights.verification.code_sent",
    ]


def test_the_email_names_what_an_erasure_request_is_for(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    erasure = open_request(
        session, keyring=keyring, clock=clock, policy=policy, kind=RequestKind.ERASURE
    )
    with smtp_server() as (inbox, port):
        _send(session, keyring, clock, erasure, port)
    body = inbox.messages[0].get_body(preferencelist=("plain",))
    assert body is not None
    assert "erasure of the personal data we hold about you" in body.get_content()


def test_the_smtp_login_is_used_when_configured(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(
        server: Any, smtp_session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    options = {"authenticator": authenticator, "auth_require_tls": False}
    with smtp_server(**options) as (inbox, port):
        service.send_code(
            session=session,
            keyring=keyring,
            clock=clock,
            settings=mail_settings(port, smtp_username="dataward", smtp_password="s3cret"),
            request=request_row,
            actor=OPERATOR,
        )
    assert logins == [(b"dataward", b"s3cret")]
    assert len(inbox.messages) == 1


def test_an_unreachable_mail_server_is_a_clear_error(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    unreachable = r"could not send email through 127\.0\.0\.1:"
    with pytest.raises(ConnectorError, match=unreachable) as caught:
        _send(session, keyring, clock, request_row, free_port())
    assert caught.value.fix is not None
    assert "DATAWARD_SMTP_HOST" in caught.value.fix


def test_a_request_without_an_email_cannot_be_sent_a_code_by_email(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    by_phone = open_request(
        session, keyring=keyring, clock=clock, policy=policy, email=None, phone="07700 900123"
    )
    with pytest.raises(Conflict, match="no email address"):
        service.send_code(
            session=session,
            keyring=keyring,
            clock=clock,
            settings=mail_settings(free_port()),
            request=by_phone,
            actor=OPERATOR,
            by="email",
        )


# the code


def test_the_emailed_code_verifies_and_restarts_the_clock_from_that_day(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    assert request_row.due_on == date(2026, 3, 27)
    with smtp_server() as (inbox, port):
        _send(session, keyring, clock, request_row, port)
    clock.advance(hours=2)

    check = _verify(session, keyring, clock, request_row, code_in(inbox.messages[0]))

    assert check.ok
    assert request_row.state is S.IN_PROGRESS
    assert request_row.verification_method is VerificationMethod.EMAIL_CODE
    assert request_row.verified_at == clock.now()
    assert request_row.verified_by == OPERATOR
    assert request_row.start_on == date(2026, 3, 2)
    assert request_row.due_on == date(2026, 4, 2)
    assert _actions(session, request_row)[-2:] == [
        "rights.request.verified",
        "rights.request.in_progress",
    ]
    assert len(_execution_jobs(session, request_row)) == 1


def test_a_wrong_code_is_counted_and_says_how_many_attempts_are_left(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    with smtp_server() as (inbox, port):
        _send(session, keyring, clock, request_row, port)
    code = code_in(inbox.messages[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    check = _verify(session, keyring, clock, request_row, wrong)

    assert check.outcome is CodeOutcome.WRONG
    assert check.attempts_left == MAX_ATTEMPTS - 1
    assert "4 attempts left" in check.explain(request_row.reference)
    assert request_row.state is S.AWAITING_VERIFICATION
    assert _actions(session, request_row)[-1] == "rights.verification.failed"
    assert _execution_jobs(session, request_row) == []


def test_too_many_wrong_codes_lock_the_code_even_against_the_right_one(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    with smtp_server() as (inbox, port):
        _send(session, keyring, clock, request_row, port)
    code = code_in(inbox.messages[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    outcomes = [_verify(session, keyring, clock, request_row, wrong).outcome for _ in range(5)]
    assert outcomes == [CodeOutcome.WRONG] * 4 + [CodeOutcome.LOCKED]

    check = _verify(session, keyring, clock, request_row, code)
    assert check.outcome is CodeOutcome.LOCKED
    assert "send a new code" in check.explain(request_row.reference)
    assert request_row.state is S.AWAITING_VERIFICATION


def test_a_new_code_after_a_lock_works(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    with smtp_server() as (inbox, port):
        _send(session, keyring, clock, request_row, port)
        for _ in range(MAX_ATTEMPTS):
            _verify(session, keyring, clock, request_row, "not a code")
        _send(session, keyring, clock, request_row, port)
    assert _verify(session, keyring, clock, request_row, code_in(inbox.messages[1])).ok


def test_an_expired_code_is_refused(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    with smtp_server() as (inbox, port):
        _send(session, keyring, clock, request_row, port)
    clock.advance(hours=24)

    check = _verify(session, keyring, clock, request_row, code_in(inbox.messages[0]))

    assert check.outcome is CodeOutcome.EXPIRED
    assert request_row.state is S.AWAITING_VERIFICATION


def test_sending_a_new_code_makes_the_old_one_useless(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    with smtp_server() as (inbox, port):
        _send(session, keyring, clock, request_row, port)
        _send(session, keyring, clock, request_row, port)
    old, new = code_in(inbox.messages[0]), code_in(inbox.messages[1])
    if old != new:
        assert _verify(session, keyring, clock, request_row, old).outcome is CodeOutcome.WRONG
    assert _verify(session, keyring, clock, request_row, new).ok


def test_a_code_for_one_request_does_not_verify_another(
    session: Session,
    clock: FixedClock,
    keyring: Keyring,
    policy: LoadedPolicy,
    request_row: RightsRequest,
) -> None:
    other = open_request(session, keyring=keyring, clock=clock, policy=policy, email="bo@ex.com")
    with smtp_server() as (inbox, port):
        _send(session, keyring, clock, request_row, port)
        _send(session, keyring, clock, other, port)
    mine = code_in(inbox.messages[0])
    theirs = code_in(inbox.messages[1])
    if mine != theirs:
        assert _verify(session, keyring, clock, other, mine).outcome is CodeOutcome.WRONG
    assert _verify(session, keyring, clock, other, theirs).ok
    assert request_row.state is S.AWAITING_VERIFICATION


def test_a_code_with_spaces_is_read_as_its_digits(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    with smtp_server() as (inbox, port):
        _send(session, keyring, clock, request_row, port)
    code = code_in(inbox.messages[0])
    assert _verify(session, keyring, clock, request_row, f" {code[:3]} {code[3:]} ").ok


def test_verifying_without_a_code_sent_says_to_send_one(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    check = _verify(session, keyring, clock, request_row, "123456")
    assert check.outcome is CodeOutcome.NO_CODE
    assert f"dataward rights send-code {request_row.reference}" in check.explain(
        request_row.reference
    )


def test_a_verified_request_cannot_be_verified_again(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    with smtp_server() as (inbox, port):
        _send(session, keyring, clock, request_row, port)
    code = code_in(inbox.messages[0])
    assert _verify(session, keyring, clock, request_row, code).ok
    with pytest.raises(Conflict, match="already verified"):
        _verify(session, keyring, clock, request_row, code)
    with pytest.raises(Conflict, match="already verified"):
        _send(session, keyring, clock, request_row, free_port())


# evidence seen by staff


def test_staff_evidence_verifies_and_the_identity_day_becomes_the_start(
    session: Session, clock: FixedClock, request_row: RightsRequest, keyring: Keyring
) -> None:
    service.verify_with_evidence(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request_row,
        actor=OPERATOR,
        evidence="passport checked in person",
        identity_on=date(2026, 3, 1),
    )
    assert request_row.state is S.IN_PROGRESS
    assert request_row.verification_method is VerificationMethod.EVIDENCE
    assert "passport" not in (request_row.verification_evidence or "")  # stored sealed
    shown = service.describe(request_row, keyring=keyring, today_on=date(2026, 3, 2))
    assert shown.verification_evidence == "passport checked in person"
    assert request_row.start_on == date(2026, 3, 1)
    # One month from Sunday 1 March is Wednesday 1 April.
    assert request_row.due_on == date(2026, 4, 1)
    assert len(_execution_jobs(session, request_row)) == 1


def test_evidence_seen_on_the_day_of_receipt_leaves_the_start_alone(
    session: Session, clock: FixedClock, request_row: RightsRequest, keyring: Keyring
) -> None:
    service.verify_with_evidence(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request_row,
        actor=OPERATOR,
        evidence="known customer, voice recognised on a call from the number on file",
        identity_on=date(2026, 2, 27),
    )
    assert request_row.start_on == date(2026, 2, 27)
    assert request_row.due_on == date(2026, 3, 27)


def test_evidence_dated_in_the_future_or_before_receipt_is_refused(
    session: Session, clock: FixedClock, request_row: RightsRequest, keyring: Keyring
) -> None:
    for day in (date(2026, 3, 3), date(2026, 2, 26)):
        with pytest.raises(UsageError):
            service.verify_with_evidence(
                session=session,
                keyring=keyring,
                clock=clock,
                request=request_row,
                actor=OPERATOR,
                evidence="driving licence seen",
                identity_on=day,
            )
    assert request_row.state is S.RECEIVED


def test_empty_evidence_is_refused(
    session: Session, clock: FixedClock, request_row: RightsRequest, keyring: Keyring
) -> None:
    with pytest.raises(UsageError, match="what identity evidence was seen"):
        service.verify_with_evidence(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request_row,
            actor=OPERATOR,
            evidence="  ",
        )


def test_a_paused_request_must_be_resumed_before_verification(
    session: Session, clock: FixedClock, keyring: Keyring, request_row: RightsRequest
) -> None:
    with smtp_server() as (_inbox, port):
        _send(session, keyring, clock, request_row, port)
    service.pause(
        session=session, clock=clock, request=request_row, actor=OPERATOR, asked_on=clock_day(clock)
    )
    with pytest.raises(Conflict, match="paused for clarification") as caught:
        service.verify_with_evidence(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request_row,
            actor=OPERATOR,
            evidence="seen",
        )
    assert caught.value.fix is not None
    assert "rights resume" in caught.value.fix


def clock_day(clock: FixedClock) -> date:
    return clock.now().date()
