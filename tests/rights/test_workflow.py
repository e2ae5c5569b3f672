"""Every move of a rights request the workflow allows, every move it refuses, and their trail."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.errors import Conflict
from dataward.policy.service import LoadedPolicy
from dataward.rights import workflow
from dataward.rights.models import RequestState, RightsRequest

from .request_factories import OPERATOR, new_keyring, open_request, write_policy

S = RequestState

EXPECTED_ALLOWED: set[tuple[RequestState, RequestState]] = {
    (S.RECEIVED, S.AWAITING_VERIFICATION),
    (S.RECEIVED, S.VERIFIED),
    (S.AWAITING_VERIFICATION, S.VERIFIED),
    (S.AWAITING_VERIFICATION, S.PAUSED),
    (S.VERIFIED, S.IN_PROGRESS),
    (S.VERIFIED, S.PAUSED),
    (S.IN_PROGRESS, S.AWAITING_REVIEW),
    (S.IN_PROGRESS, S.PAUSED),
    (S.PAUSED, S.AWAITING_VERIFICATION),
    (S.PAUSED, S.VERIFIED),
    (S.PAUSED, S.IN_PROGRESS),
    (S.AWAITING_REVIEW, S.COMPLETED),
    (S.AWAITING_REVIEW, S.IN_PROGRESS),
} | {
    (state, closing)
    for state in (
        S.RECEIVED,
        S.AWAITING_VERIFICATION,
        S.VERIFIED,
        S.IN_PROGRESS,
        S.PAUSED,
        S.AWAITING_REVIEW,
    )
    for closing in (S.REFUSED, S.WITHDRAWN)
}

ALL_PAIRS = [(a, b) for a in RequestState for b in RequestState]
ALLOWED_PAIRS = [pair for pair in ALL_PAIRS if pair in EXPECTED_ALLOWED]
REFUSED_PAIRS = [pair for pair in ALL_PAIRS if pair not in EXPECTED_ALLOWED]


@pytest.fixture
def policy(tmp_path: Path) -> LoadedPolicy:
    return write_policy(tmp_path)


@pytest.fixture
def request_row(session: Session, clock: FixedClock, policy: LoadedPolicy) -> RightsRequest:
    return open_request(session, keyring=new_keyring(), clock=clock, policy=policy)


def _events(session: Session, reference: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_id == reference)
            .order_by(AuditEvent.sequence)
        )
    )


def _put_in(session: Session, request: RightsRequest, state: RequestState) -> None:
    # Arranging the starting state directly: the route there is tested pair by pair.
    request.state = state
    session.flush()


def test_the_table_of_allowed_moves_is_exactly_the_designed_one() -> None:
    actual = {(a, b) for a in RequestState for b in RequestState if workflow.can_transition(a, b)}
    assert actual == EXPECTED_ALLOWED


@pytest.mark.parametrize(("from_state", "to"), ALLOWED_PAIRS, ids=lambda s: str(s))
def test_allowed_move_changes_state_and_is_audited_without_personal_data(
    session: Session,
    clock: FixedClock,
    request_row: RightsRequest,
    from_state: RequestState,
    to: RequestState,
) -> None:
    _put_in(session, request_row, from_state)
    before = len(_events(session, request_row.reference))
    clock.advance(minutes=5)

    workflow.transition(
        session=session, clock=clock, request=request_row, to=to, actor=OPERATOR, reason="test"
    )

    assert request_row.state == to
    assert request_row.updated_at == clock.now()
    events = _events(session, request_row.reference)
    assert len(events) == before + 1
    event = events[-1]
    assert event.action == f"rights.request.{to.value}"
    assert event.actor == OPERATOR
    assert event.subject == request_row.person_pseudonym
    assert event.details == {
        "from": from_state.value,
        "to": to.value,
        "kind": "access",
        "reason": "test",
    }
    assert "alice" not in str(event.details)


@pytest.mark.parametrize(("from_state", "to"), REFUSED_PAIRS, ids=lambda s: str(s))
def test_refused_move_raises_conflict_and_changes_nothing(
    session: Session,
    clock: FixedClock,
    request_row: RightsRequest,
    from_state: RequestState,
    to: RequestState,
) -> None:
    _put_in(session, request_row, from_state)
    before = len(_events(session, request_row.reference))

    with pytest.raises(Conflict) as caught:
        workflow.transition(
            session=session, clock=clock, request=request_row, to=to, actor=OPERATOR
        )

    assert request_row.state == from_state
    assert len(_events(session, request_row.reference)) == before
    assert request_row.reference in str(caught.value)
    assert to.value in str(caught.value)


def test_completion_stamps_the_completed_time(
    session: Session, clock: FixedClock, request_row: RightsRequest
) -> None:
    _put_in(session, request_row, S.AWAITING_REVIEW)
    clock.advance(days=3)
    workflow.transition(
        session=session, clock=clock, request=request_row, to=S.COMPLETED, actor=OPERATOR
    )
    assert request_row.completed_at == clock.now()


def test_a_closed_request_says_to_open_a_new_one(
    session: Session, clock: FixedClock, request_row: RightsRequest
) -> None:
    _put_in(session, request_row, S.WITHDRAWN)
    with pytest.raises(Conflict, match="already withdrawn") as caught:
        workflow.transition(
            session=session, clock=clock, request=request_row, to=S.VERIFIED, actor=OPERATOR
        )
    assert caught.value.fix is not None
    assert "new request" in caught.value.fix


def test_completing_before_review_points_to_approve(
    session: Session, clock: FixedClock, request_row: RightsRequest
) -> None:
    _put_in(session, request_row, S.IN_PROGRESS)
    with pytest.raises(Conflict) as caught:
        workflow.transition(
            session=session, clock=clock, request=request_row, to=S.COMPLETED, actor=OPERATOR
        )
    assert "can become: awaiting_review, paused, refused, withdrawn" in str(caught.value)
    assert caught.value.fix is not None
    assert "rights approve" in caught.value.fix


def test_a_state_given_as_text_is_accepted(
    session: Session, clock: FixedClock, request_row: RightsRequest
) -> None:
    workflow.transition(
        session=session,
        clock=clock,
        request=request_row,
        to="awaiting_verification",  # type: ignore[arg-type]  # as a JSON payload would give it
        actor=OPERATOR,
    )
    assert request_row.state is S.AWAITING_VERIFICATION


def test_states_survive_a_round_trip_through_the_database(
    session: Session, clock: FixedClock, request_row: RightsRequest
) -> None:
    workflow.transition(
        session=session, clock=clock, request=request_row, to=S.WITHDRAWN, actor=OPERATOR
    )
    session.flush()
    session.expire_all()
    again = session.scalars(
        select(RightsRequest).where(RightsRequest.reference == request_row.reference)
    ).one()
    assert again.state is S.WITHDRAWN
    assert not again.is_open
