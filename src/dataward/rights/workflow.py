"""The life of a rights request: which state may follow which, and the audit trail of each move.

received → awaiting_verification → verified → in_progress → awaiting_review → completed, with
`paused` (a clarification awaited, Art 12A) entered from and returning to awaiting_verification,
verified or in_progress. Refused and withdrawn close any open request; completed needs a review.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import Clock
from dataward.core.errors import Conflict
from dataward.policy.schema import Nation
from dataward.rights.deadlines import Pause, due_date, pause_days
from dataward.rights.models import CLOSED_STATES, RequestState, RightsRequest

S = RequestState

# States a clarification pause can interrupt, and so return to.
PAUSABLE = frozenset({S.AWAITING_VERIFICATION, S.VERIFIED, S.IN_PROGRESS})
OPEN_STATES = frozenset(S) - CLOSED_STATES

_FORWARD: dict[RequestState, frozenset[RequestState]] = {
    # Staff who saw identity evidence at intake may verify straight from received.
    S.RECEIVED: frozenset({S.AWAITING_VERIFICATION, S.VERIFIED}),
    S.AWAITING_VERIFICATION: frozenset({S.VERIFIED, S.PAUSED}),
    S.VERIFIED: frozenset({S.IN_PROGRESS, S.PAUSED}),
    S.IN_PROGRESS: frozenset({S.AWAITING_REVIEW, S.PAUSED}),
    S.PAUSED: PAUSABLE,
    # A reviewer who finds the work incomplete sends it back to be run again.
    S.AWAITING_REVIEW: frozenset({S.COMPLETED, S.IN_PROGRESS}),
}

ALLOWED: Mapping[RequestState, frozenset[RequestState]] = {
    state: (_FORWARD.get(state, frozenset()) | {S.REFUSED, S.WITHDRAWN})
    if state in OPEN_STATES
    else frozenset()
    for state in S
}


def can_transition(from_state: RequestState, to: RequestState) -> bool:
    return to in ALLOWED[from_state]


def _refusal(request: RightsRequest, to: RequestState) -> Conflict:
    current = RequestState(request.state)
    if current in CLOSED_STATES:
        return Conflict(
            f"request {request.reference} is already {current.value} and cannot become {to.value}",
            fix="open a new request if the person asks again",
        )
    allowed = ", ".join(sorted(s.value for s in ALLOWED[current]))
    hints = {
        S.COMPLETED: "a request is completed only after review: `dataward rights approve REF`"
        " once it is awaiting_review",
        S.VERIFIED: "verify with `dataward rights verify REF --code C` or `--evidence TEXT`",
        S.PAUSED: "a clarification pause is possible only while awaiting verification,"
        " verified or in progress",
    }
    return Conflict(
        f"request {request.reference} is {current.value}; it cannot become {to.value}"
        f" (from {current.value} it can become: {allowed})",
        fix=hints.get(to),
    )


class Recorder(Protocol):
    """audit.record, or a run's gatherer of events (ExecutionContext.record)."""

    def __call__(
        self,
        *,
        session: Session,
        clock: Clock,
        actor: str,
        action: str,
        object_type: str,
        object_id: str | None = None,
        subject: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> object: ...


def transition(
    *,
    session: Session,
    clock: Clock,
    request: RightsRequest,
    to: RequestState,
    actor: str,
    reason: str | None = None,
    details: Mapping[str, Any] | None = None,
    record: Recorder = audit.record,
) -> None:
    """Move the request to `to` if the workflow allows it, and record who moved it.

    `reason` says why in the event (e.g. "identity verified by email code"); it must not
    carry personal data, so callers pass a category of reason, never the requester's words.
    """
    to = RequestState(to)
    from_state = RequestState(request.state)
    if not can_transition(from_state, to):
        raise _refusal(request, to)
    now = clock.now()
    request.state = to
    request.updated_at = now
    if to == S.COMPLETED:
        request.completed_at = now
    session.flush()
    event: dict[str, Any] = {"from": from_state.value, "to": to.value, "kind": request.kind.value}
    if reason:
        event["reason"] = reason
    if details:
        event.update(details)
    record(
        session=session,
        clock=clock,
        actor=actor,
        action=f"rights.request.{to.value}",
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details=event,
    )


def _pauses(request: RightsRequest) -> list[Pause]:
    return [Pause(p.asked_on, p.answered_on) for p in request.pauses]


def refresh_due_dates(request: RightsRequest) -> None:
    """Work out the stored due dates again from the start, the answered pauses and any extension.

    An unanswered pause is left out here: while it lasts, `current_due_on` counts it to today.
    """
    answered = [p for p in _pauses(request) if p.answered_on is not None]
    request.paused_days = pause_days(answered, not_before=request.start_on)
    request.due_on = due_date(request.start_on, Nation(request.nation), request.paused_days)
    if request.extended_due_on is not None:
        request.extended_due_on = due_date(
            request.start_on,
            Nation(request.nation),
            request.paused_days,
            extended=True,
        )


def current_due_on(request: RightsRequest, *, today: date) -> date:
    """The date that binds today: an unanswered clarification keeps pushing it back."""
    if not any(p.answered_on is None for p in request.pauses):
        return request.effective_due_on
    days = pause_days(_pauses(request), today=today, not_before=request.start_on)
    return due_date(
        request.start_on,
        Nation(request.nation),
        days,
        extended=request.extended_due_on is not None,
    )
