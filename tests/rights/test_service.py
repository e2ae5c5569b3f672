"""Rights requests through the service: intake, clarification pauses, extension, review, lists."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, NotFound, UsageError
from dataward.core.jobs import Job
from dataward.people import service as people
from dataward.people.service import PersonErased
from dataward.policy.service import LoadedPolicy
from dataward.rights import service, workflow
from dataward.rights.models import (
    RequestKind,
    RequestState,
    RequestTask,
    RightsRequest,
    TaskMode,
    TaskState,
)

from .request_factories import OPERATOR, new_keyring, open_request, write_policy

S = RequestState


@pytest.fixture
def policy(tmp_path: Path) -> LoadedPolicy:
    return write_policy(tmp_path)


@pytest.fixture
def keyring() -> Keyring:
    return new_keyring()


def _audit(session: Session, request: RightsRequest) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_id == request.reference)
            .order_by(AuditEvent.sequence)
        )
    )


def _in_progress(
    session: Session,
    clock: FixedClock,
    keyring: Keyring,
    policy: LoadedPolicy,
    received_on: date | None = None,
) -> RightsRequest:
    request = open_request(
        session, keyring=keyring, clock=clock, policy=policy, received_on=received_on
    )
    service.verify_with_evidence(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=OPERATOR,
        evidence="photo driving licence seen on a video call",
        identity_on=request.received_on,
    )
    return request


def _awaiting_review(
    session: Session, clock: FixedClock, request: RightsRequest, *states: TaskState
) -> None:
    for number, state in enumerate(states):
        request.tasks.append(
            RequestTask(system=f"system-{number}", mode=TaskMode.AUTOMATIC, state=state, attempts=1)
        )
    session.flush()
    workflow.transition(
        session=session,
        clock=clock,
        request=request,
        to=S.AWAITING_REVIEW,
        actor="system:rights",
    )


# intake


def test_opening_a_request_records_it_as_received_with_its_due_date(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy)

    assert re.fullmatch(r"DW-2026-\d{6}", request.reference)
    assert request.reference == f"DW-2026-{request.id:06d}"
    assert request.state is S.RECEIVED
    assert request.kind is RequestKind.ACCESS
    assert request.received_on == date(2026, 3, 2)
    assert request.start_on == date(2026, 3, 2)
    assert request.due_on == date(2026, 4, 2)
    assert request.nation == "england-and-wales"
    assert request.policy_path == str(policy.path)
    assert request.policy_digest == hashlib.sha256(policy.path.read_bytes()).hexdigest()
    assert request.created_at == clock.now()


def test_the_requester_goes_to_the_encrypted_people_store(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(
        session, keyring=keyring, clock=clock, policy=policy, email="Alice@Example.COM"
    )
    person = people.find_person(session=session, keyring=keyring, email="alice@example.com")
    assert person is not None
    assert request.person_id == person.id
    assert request.person_pseudonym == person.pseudonym


def test_a_second_request_from_the_same_person_gets_its_own_reference(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    first = open_request(session, keyring=keyring, clock=clock, policy=policy)
    second = open_request(
        session, keyring=keyring, clock=clock, policy=policy, kind=RequestKind.ERASURE
    )
    assert first.person_id == second.person_id
    assert first.reference != second.reference


def test_identities_and_details_are_sealed_and_come_back_normalised(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(
        session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        kind=RequestKind.RECTIFICATION,
        email=" ALICE@example.com ",
        phone="07700 900123",
        extra={"account_number": " AC-1001 "},
        details={"changes": {"surname": "Smith-Jones"}},
    )
    assert request.details_ct is not None
    assert b"AC-1001" not in request.details_ct
    assert b"Smith-Jones" not in request.details_ct

    identities = service.request_identities(session=session, keyring=keyring, request=request)
    assert identities.email == "alice@example.com"
    assert identities.phone == "+447700900123"
    assert identities.extra == {"account_number": "AC-1001"}
    assert identities.by_type() == {
        "email": {"alice@example.com"},
        "phone_number": {"+447700900123"},
        "account_number": {"AC-1001"},
    }
    details = service.request_details(session=session, keyring=keyring, request=request)
    assert details == {"changes": {"surname": "Smith-Jones"}}


def test_the_opening_event_names_identity_types_but_no_identities(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(
        session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        phone="07700 900123",
        extra={"account_number": "AC-1001"},
    )
    opened = _audit(session, request)[0]
    assert opened.action == "rights.request.opened"
    assert opened.subject == request.person_pseudonym
    assert opened.details["identity_types"] == ["account_number", "email", "phone_number"]
    assert opened.details["due_on"] == "2026-04-02"
    text = str(opened.details)
    assert "alice" not in text
    assert "AC-1001" not in text
    assert "7700" not in text


def test_once_the_person_is_forgotten_the_sealed_details_cannot_be_read(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(
        session, keyring=keyring, clock=clock, policy=policy, extra={"account_number": "AC-9"}
    )
    person = service.request_person(session=session, request=request)
    people.forget(
        session=session,
        keyring=keyring,
        clock=clock,
        person=person,
        actor=OPERATOR,
        reason="erasure completed",
    )
    with pytest.raises(PersonErased):
        service.request_identities(session=session, keyring=keyring, request=request)


def test_the_day_of_receipt_is_the_uk_date_whatever_the_hour(
    session: Session, keyring: Keyring, policy: LoadedPolicy
) -> None:
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (BST).
    late = FixedClock(datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    request = open_request(session, keyring=keyring, clock=late, policy=policy)
    assert request.received_on == date(2026, 4, 1)
    assert request.due_on == date(2026, 5, 1)


def test_a_request_received_earlier_counts_from_that_day(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(
        session, keyring=keyring, clock=clock, policy=policy, received_on=date(2024, 11, 25)
    )
    assert request.reference.startswith("DW-2024-")
    assert request.due_on == date(2024, 12, 27)


def test_the_nation_of_the_policy_picks_the_bank_holidays(
    session: Session, clock: FixedClock, keyring: Keyring, tmp_path: Path
) -> None:
    scottish = write_policy(tmp_path, nation="scotland")
    request = open_request(
        session, keyring=keyring, clock=clock, policy=scottish, received_on=date(2024, 12, 2)
    )
    assert request.nation == "scotland"
    assert request.due_on == date(2025, 1, 3)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"received_on": date(2026, 3, 3)}, "in the future"),
        ({"email": None}, "email address or phone number"),
        ({"email": "not-an-address"}, "not a valid email address"),
        ({"extra": {"loyalty_card": "L-1"}}, "no system searches by 'loyalty_card'"),
        ({"extra": {"account_number": "  "}}, "has no value"),
        ({"kind": "deletion"}, "unknown request kind 'deletion'"),
        ({"purposes": ["marketing.communications.email"]}, "not to access"),
        (
            {"kind": RequestKind.OBJECTION, "purposes": ["marketing.telemarketing"]},
            "no activity with purpose 'marketing.telemarketing'",
        ),
    ],
)
def test_a_malformed_request_is_refused_with_a_reason(
    session: Session,
    clock: FixedClock,
    keyring: Keyring,
    policy: LoadedPolicy,
    changes: dict[str, object],
    message: str,
) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        open_request(session, keyring=keyring, clock=clock, policy=policy, **changes)  # type: ignore[arg-type]  # one bad value at a time


def test_an_objection_names_the_purposes_from_the_policy(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(
        session,
        keyring=keyring,
        clock=clock,
        policy=policy,
        kind=RequestKind.OBJECTION,
        purposes=["marketing.communications.email", "marketing.communications.email"],
    )
    assert request.purposes == ["marketing.communications.email"]


def test_get_request_finds_by_reference_in_any_case_and_says_when_missing(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy)
    found = service.get_request(session=session, reference=f" {request.reference.lower()} ")
    assert found is request
    with pytest.raises(NotFound, match="no rights request DW-1999-000001"):
        service.get_request(session=session, reference="DW-1999-000001")


# clarification pauses (Art 12A)


def test_a_clarification_pause_stops_the_clock_and_the_answer_restarts_it(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = _in_progress(session, clock, keyring, policy)
    assert request.due_on == date(2026, 4, 2)

    service.pause(
        session=session, clock=clock, request=request, actor=OPERATOR, asked_on=date(2026, 3, 2)
    )
    assert service.summarise(request, today_on=date(2026, 3, 2)).state is S.PAUSED
    clock.advance(days=5)
    # While the answer is awaited, the due date moves on with each day (2–7 March: 6 days).
    summary = service.summarise(request, today_on=date(2026, 3, 7))
    assert summary.clock_stopped
    assert summary.due_on == date(2026, 4, 8)

    service.resume(
        session=session,
        clock=clock,
        request=request,
        actor=OPERATOR,
        answered_on=date(2026, 3, 6),
    )
    assert request.state is S.IN_PROGRESS
    assert request.paused_days == 5
    assert request.due_on == date(2026, 4, 7)
    resumed = _audit(session, request)[-1]
    assert resumed.action == "rights.request.in_progress"
    assert resumed.details["paused_days"] == 5
    jobs = session.scalars(select(Job).where(Job.kind == "rights.execute")).all()
    assert len([j for j in jobs if j.payload == {"request_id": request.id}]) == 2


def test_a_pause_returns_to_the_state_it_interrupted(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy)
    workflow.transition(
        session=session, clock=clock, request=request, to=S.AWAITING_VERIFICATION, actor=OPERATOR
    )
    service.pause(
        session=session, clock=clock, request=request, actor=OPERATOR, asked_on=date(2026, 3, 2)
    )
    service.resume(
        session=session, clock=clock, request=request, actor=OPERATOR, answered_on=date(2026, 3, 2)
    )
    assert request.state is S.AWAITING_VERIFICATION
    assert request.paused_days == 1
    # 2 April + 1 day is Good Friday; Easter Monday follows the weekend.
    assert request.due_on == date(2026, 4, 7)


def test_pause_days_before_identity_was_proved_are_not_given_twice(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(
        session, keyring=keyring, clock=clock, policy=policy, received_on=date(2026, 2, 20)
    )
    workflow.transition(
        session=session, clock=clock, request=request, to=S.AWAITING_VERIFICATION, actor=OPERATOR
    )
    service.pause(
        session=session, clock=clock, request=request, actor=OPERATOR, asked_on=date(2026, 2, 23)
    )
    service.resume(
        session=session, clock=clock, request=request, actor=OPERATOR, answered_on=date(2026, 2, 26)
    )
    assert request.paused_days == 4
    service.verify_with_evidence(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=OPERATOR,
        evidence="utility bill and passport seen",
        identity_on=date(2026, 3, 2),
    )
    # The clock starts on 2 March: the pause lay wholly before it.
    assert request.paused_days == 0
    assert request.due_on == date(2026, 4, 2)


def test_a_received_request_cannot_be_paused(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy)
    with pytest.raises(Conflict, match="clock can stop only"):
        service.pause(
            session=session, clock=clock, request=request, actor=OPERATOR, asked_on=date(2026, 3, 2)
        )
    assert request.pauses == []


def test_pause_and_answer_dates_must_make_sense(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = _in_progress(session, clock, keyring, policy, received_on=date(2026, 2, 20))
    with pytest.raises(UsageError, match="in the future"):
        service.pause(
            session=session, clock=clock, request=request, actor=OPERATOR, asked_on=date(2026, 3, 3)
        )
    with pytest.raises(UsageError, match="before the request was received"):
        service.pause(
            session=session,
            clock=clock,
            request=request,
            actor=OPERATOR,
            asked_on=date(2026, 2, 19),
        )
    with pytest.raises(Conflict, match="not paused"):
        service.resume(
            session=session,
            clock=clock,
            request=request,
            actor=OPERATOR,
            answered_on=date(2026, 3, 2),
        )
    service.pause(
        session=session, clock=clock, request=request, actor=OPERATOR, asked_on=date(2026, 2, 25)
    )
    with pytest.raises(UsageError, match="cannot come before the question"):
        service.resume(
            session=session,
            clock=clock,
            request=request,
            actor=OPERATOR,
            answered_on=date(2026, 2, 24),
        )
    assert request.state is S.PAUSED


# extension (Art 12(3))


def test_an_extension_told_in_time_gives_two_more_months(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = _in_progress(session, clock, keyring, policy, received_on=date(2026, 2, 2))
    service.extend(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=OPERATOR,
        reason="complex: nine systems, two exported by hand",
        told_on=date(2026, 3, 2),
    )
    assert request.due_on == date(2026, 3, 2)
    assert request.extended_due_on == date(2026, 5, 5)  # 2 May is a Saturday, 4 May a holiday
    assert request.effective_due_on == date(2026, 5, 5)
    detail = service.describe(request, keyring=keyring, today_on=date(2026, 3, 2))
    assert detail.extension_reason == "complex: nine systems, two exported by hand"
    assert "nine systems" not in (request.extension_reason or "")  # stored sealed
    assert request.extension_told_at == clock.now()
    event = _audit(session, request)[-1]
    assert event.action == "rights.request.extended"
    assert event.details["extended_due_on"] == "2026-05-05"


def test_an_extension_told_on_an_earlier_day_keeps_that_day(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = _in_progress(session, clock, keyring, policy, received_on=date(2026, 2, 16))
    service.extend(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=OPERATOR,
        reason="several requests from the same person",
        told_on=date(2026, 2, 20),
    )
    assert request.extension_told_at == datetime(2026, 2, 20, 0, 0, tzinfo=UTC)


def test_an_extension_told_after_the_one_month_point_is_refused(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    # Received 31 January 2026: the one-month point is 28 February (a Saturday); due 2 March.
    request = _in_progress(session, clock, keyring, policy, received_on=date(2026, 1, 31))
    assert request.due_on == date(2026, 3, 2)
    with pytest.raises(Conflict, match=r"after the one-month point \(2026-02-28\)") as caught:
        service.extend(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request,
            actor=OPERATOR,
            reason="complex",
            told_on=date(2026, 3, 2),
        )
    assert caught.value.fix is not None
    assert "answer by 2026-03-02" in caught.value.fix
    assert request.extended_due_on is None


def test_an_extension_is_granted_once_and_needs_a_reason(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = _in_progress(session, clock, keyring, policy)
    with pytest.raises(UsageError, match="needs its reason"):
        service.extend(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request,
            actor=OPERATOR,
            reason=" ",
            told_on=date(2026, 3, 2),
        )
    service.extend(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=OPERATOR,
        reason="complex",
        told_on=date(2026, 3, 2),
    )
    with pytest.raises(Conflict, match="already extended"):
        service.extend(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request,
            actor=OPERATOR,
            reason="complex",
            told_on=date(2026, 3, 2),
        )


def test_a_pause_after_an_extension_moves_the_extended_date(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = _in_progress(session, clock, keyring, policy)
    service.extend(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=OPERATOR,
        reason="complex",
        told_on=date(2026, 3, 2),
    )
    assert request.extended_due_on == date(2026, 6, 2)
    service.pause(
        session=session, clock=clock, request=request, actor=OPERATOR, asked_on=date(2026, 3, 2)
    )
    clock.advance(days=2)
    service.resume(
        session=session, clock=clock, request=request, actor=OPERATOR, answered_on=date(2026, 3, 4)
    )
    assert request.extended_due_on == date(2026, 6, 5)


# review and closing


def test_approving_a_reviewed_request_completes_it(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = _in_progress(session, clock, keyring, policy)
    _awaiting_review(session, clock, request, TaskState.DONE, TaskState.DONE)
    service.approve(session=session, clock=clock, request=request, actor=OPERATOR)
    assert request.state is S.COMPLETED
    assert request.completed_at == clock.now()


def test_a_failed_system_blocks_approval(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = _in_progress(session, clock, keyring, policy)
    _awaiting_review(session, clock, request, TaskState.DONE, TaskState.FAILED)
    with pytest.raises(Conflict, match="work not done on: system-1"):
        service.approve(session=session, clock=clock, request=request, actor=OPERATOR)
    assert request.state is S.AWAITING_REVIEW


def test_a_request_still_in_progress_cannot_be_approved(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = _in_progress(session, clock, keyring, policy)
    with pytest.raises(Conflict, match="cannot become completed"):
        service.approve(session=session, clock=clock, request=request, actor=OPERATOR)


def test_a_refusal_records_its_reasons_and_the_right_to_complain(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy)
    with pytest.raises(UsageError, match="needs its reasons"):
        service.refuse(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request,
            actor=OPERATOR,
            reason="",
        )
    service.refuse(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=OPERATOR,
        reason="manifestly excessive: the same request was answered on 20 February 2026",
    )
    assert request.state is S.REFUSED
    assert request.refused_reason is not None
    assert "20 February" not in request.refused_reason  # stored sealed
    notice = service.refusal_notice(request, keyring=keyring)
    assert "the same request was answered on 20 February 2026" in notice
    assert "Information Commissioner's Office" in notice
    assert "complain to us" in notice
    details = _audit(session, request)[-1].details
    assert details["right_to_complain_stated"] is True
    assert details["reason_digest"] == keyring.digest(
        "manifestly excessive: the same request was answered on 20 February 2026"
    )


def test_a_withdrawn_request_is_closed(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = _in_progress(session, clock, keyring, policy)
    service.withdraw(session=session, clock=clock, request=request, actor=OPERATOR)
    assert request.state is S.WITHDRAWN
    with pytest.raises(Conflict, match="nothing to extend"):
        service.extend(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request,
            actor=OPERATOR,
            reason="complex",
            told_on=date(2026, 3, 2),
        )


# lists


def test_list_orders_by_due_date_and_filters_by_state(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    later = open_request(session, keyring=keyring, clock=clock, policy=policy)
    sooner = open_request(
        session, keyring=keyring, clock=clock, policy=policy, received_on=date(2026, 2, 20)
    )
    service.withdraw(session=session, clock=clock, request=later, actor=OPERATOR)

    listed = service.list_requests(session=session, clock=clock)
    mine = [r for r in listed if r in (later, sooner)]
    assert mine == [sooner, later]
    withdrawn = service.list_requests(session=session, clock=clock, state="withdrawn")
    assert later in withdrawn
    assert sooner not in withdrawn
    with pytest.raises(UsageError, match="unknown state 'lost'"):
        service.list_requests(session=session, clock=clock, state="lost")


def test_overdue_lists_open_requests_past_their_date_only(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    overdue = _in_progress(session, clock, keyring, policy, received_on=date(2026, 1, 20))
    due_today = _in_progress(session, clock, keyring, policy, received_on=date(2026, 2, 2))
    closed = open_request(
        session, keyring=keyring, clock=clock, policy=policy, received_on=date(2026, 1, 5)
    )
    service.withdraw(session=session, clock=clock, request=closed, actor=OPERATOR)
    # Paused since 10 February: 21 days added, so not overdue although its date has passed.
    paused = _in_progress(session, clock, keyring, policy, received_on=date(2026, 1, 26))
    service.pause(
        session=session, clock=clock, request=paused, actor=OPERATOR, asked_on=date(2026, 2, 10)
    )
    extended = _in_progress(session, clock, keyring, policy, received_on=date(2026, 1, 21))
    service.extend(
        session=session,
        keyring=keyring,
        clock=clock,
        request=extended,
        actor=OPERATOR,
        reason="complex",
        told_on=date(2026, 2, 10),
    )

    found = service.list_requests(session=session, clock=clock, overdue=True)

    assert overdue in found
    assert due_today not in found
    assert closed not in found
    assert paused not in found
    assert extended not in found
    summary = service.summarise(overdue, today_on=date(2026, 3, 2))
    assert summary.due_on == date(2026, 2, 20)
    assert summary.days_left == -10
    assert summary.overdue
    today_summary = service.summarise(due_today, today_on=date(2026, 3, 2))
    assert today_summary.days_left == 0
    assert not today_summary.overdue


def test_a_withdrawal_reason_with_an_email_address_is_refused(
    session: Session, clock: FixedClock, keyring: Keyring, policy: LoadedPolicy
) -> None:
    request = open_request(session, keyring=keyring, clock=clock, policy=policy)
    with pytest.raises(UsageError, match="email address"):
        service.withdraw(
            session=session,
            clock=clock,
            request=request,
            actor=OPERATOR,
            reason="alice@example.com wrote to withdraw",
        )
    service.withdraw(
        session=session, clock=clock, request=request, actor=OPERATOR, reason="by email"
    )
    assert _audit(session, request)[-1].details["reason"] == "by email"
