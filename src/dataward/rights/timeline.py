"""The request's clock after intake: clarification pauses (Art 12A) and extension (Art 12(3))."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import LONDON, Clock, today
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.policy.schema import Nation
from dataward.rights import notes, verification, workflow
from dataward.rights.deadlines import due_date, extension_allowed, extension_deadline
from dataward.rights.models import CLOSED_STATES, RequestPause, RequestState, RightsRequest

S = RequestState


def _check_day(day: date, *, what: str, request: RightsRequest, clock: Clock) -> None:
    if day > today(clock):
        raise UsageError(f"{what} cannot be in the future ({day})")
    if day < request.received_on:
        raise UsageError(
            f"{what} ({day}) cannot be before the request was received ({request.received_on})"
        )


def open_pause(request: RightsRequest) -> RequestPause | None:
    return next((p for p in request.pauses if p.answered_on is None), None)


def pause(
    *, session: Session, clock: Clock, request: RightsRequest, actor: str, asked_on: date
) -> RequestPause:
    """Stop the clock: the person was asked to clarify what the request covers (Art 12A)."""
    _check_day(asked_on, what="the clarification question", request=request, clock=clock)
    if not workflow.can_transition(request.state, S.PAUSED):
        raise Conflict(
            f"request {request.reference} is {request.state.value}: the clock can stop only"
            " while awaiting verification, verified or in progress",
        )
    held = RequestPause(asked_on=asked_on, resume_state=request.state)
    request.pauses.append(held)
    session.flush()
    workflow.transition(
        session=session,
        clock=clock,
        request=request,
        to=S.PAUSED,
        actor=actor,
        reason="clarification asked",
        details={"asked_on": asked_on.isoformat()},
    )
    return held


def resume(
    *, session: Session, clock: Clock, request: RightsRequest, actor: str, answered_on: date
) -> None:
    """Restart the clock from the answer; the days in between are added to the due date."""
    held = open_pause(request)
    if request.state != S.PAUSED or held is None:
        raise Conflict(f"request {request.reference} is not paused for clarification")
    _check_day(answered_on, what="the answer", request=request, clock=clock)
    if answered_on < held.asked_on:
        raise UsageError(
            f"the answer ({answered_on}) cannot come before the question ({held.asked_on})"
        )
    held.answered_on = answered_on
    workflow.refresh_due_dates(request)
    workflow.transition(
        session=session,
        clock=clock,
        request=request,
        to=held.resume_state,
        actor=actor,
        reason="clarification answered",
        details={
            "asked_on": held.asked_on.isoformat(),
            "answered_on": answered_on.isoformat(),
            "paused_days": request.paused_days,
            "due_on": request.effective_due_on.isoformat(),
        },
    )
    if held.resume_state == S.IN_PROGRESS:
        # Work left pending while paused is picked up again.
        verification.queue_execution(
            session=session, clock=clock, request=request, occasion=f"resumed-{held.id}"
        )


def _moment_told(told_on: date, clock: Clock) -> datetime:
    now = clock.now()
    if told_on == today(clock):
        return now
    # Only the day is known: keep its start in UK time, which is what the rule compares.
    return datetime.combine(told_on, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def extend(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    actor: str,
    reason: str,
    told_on: date,
) -> None:
    """Two more months (Art 12(3)), only if the person was told with reasons in time."""
    if request.state in CLOSED_STATES:
        raise Conflict(f"request {request.reference} is {request.state.value}: nothing to extend")
    if request.extended_due_on is not None:
        raise Conflict(
            f"request {request.reference} was already extended to {request.extended_due_on}",
            fix="an extension can be granted once, for at most two further months",
        )
    if not reason.strip():
        raise UsageError(
            "an extension needs its reason (complexity, or several requests)",
            fix="--reason 'complex: 14 systems, 3 with manual exports'",
        )
    _check_day(told_on, what="telling the person", request=request, clock=clock)
    if not extension_allowed(request.start_on, told_on):
        raise Conflict(
            f"too late to extend request {request.reference}: the person was told on {told_on},"
            f" after the one-month point ({extension_deadline(request.start_on)})",
            fix=f"answer by {request.due_on}; an extension must be told within the first month",
        )
    request.extension_reason = keyring.seal_note(
        reason.strip(), context=notes.EXTENSION, session=session
    )
    request.extension_told_at = _moment_told(told_on, clock)
    request.extended_due_on = due_date(
        request.start_on, Nation(request.nation), request.paused_days, extended=True
    )
    request.updated_at = clock.now()
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="rights.request.extended",
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details={
            "told_on": told_on.isoformat(),
            "due_on": request.due_on.isoformat(),
            "extended_due_on": request.extended_due_on.isoformat(),
            "reason_digest": keyring.digest(reason.strip()),
        },
    )
