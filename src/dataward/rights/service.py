"""Rights requests: intake, verification, the clock's pauses and extension, review and closing.

Execution (finding, erasing, packaging) is in execution.py and runs as the "rights.execute" job
queued here once identity is verified. Every function flushes and writes its audit event; the
caller (command, request, job) commits. Other domains and the interfaces call this module only.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from dataward.core.clock import Clock, today
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, NotFound, UsageError
from dataward.rights import identities, notes, workflow
from dataward.rights.deadlines import days_left
from dataward.rights.intake import declared_identities as declared_identities
from dataward.rights.intake import open_request as open_request
from dataward.rights.intake import request_details as request_details
from dataward.rights.intake import request_identities as request_identities
from dataward.rights.intake import request_person as request_person
from dataward.rights.models import (
    RequestIdentity,
    RequestKind,
    RequestState,
    RightsRequest,
    TaskState,
)
from dataward.rights.proof import assert_identities as assert_identities
from dataward.rights.proof import send_code as send_code
from dataward.rights.proof import verify_with_code as verify_with_code
from dataward.rights.proof import verify_with_evidence as verify_with_evidence
from dataward.rights.schemas import (
    IdentityOut,
    ItemOut,
    PauseOut,
    RequestDetail,
    RequestSummary,
    ReviewItemOut,
    TaskOut,
)
from dataward.rights.timeline import extend as extend
from dataward.rights.timeline import open_pause as open_pause
from dataward.rights.timeline import pause as pause
from dataward.rights.timeline import resume as resume

S = RequestState


def get_request(*, session: Session, reference: str) -> RightsRequest:
    wanted = reference.strip().upper()
    request = session.scalar(select(RightsRequest).where(RightsRequest.reference == wanted))
    if request is None:
        raise NotFound(f"no rights request {wanted}", fix="see `dataward rights list`")
    return request


# --- review and closing ---------------------------------------------------------------------


def approve(*, session: Session, clock: Clock, request: RightsRequest, actor: str) -> None:
    """A person reviewed the work on every system: the request is complete."""
    unfinished = [t.system for t in request.tasks if t.state != TaskState.DONE]
    if request.state == S.AWAITING_REVIEW and unfinished:
        raise Conflict(
            f"request {request.reference} still has work not done on: {', '.join(unfinished)}",
            fix="rerun or finish those systems before approving",
        )
    workflow.transition(session=session, clock=clock, request=request, to=S.COMPLETED, actor=actor)


def refuse(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    actor: str,
    reason: str,
) -> None:
    """Refuse a manifestly unfounded or excessive request, recording why (Art 12(5))."""
    if not reason.strip():
        raise UsageError(
            "a refusal needs its reasons: they go to the person with their right to complain",
            fix="--reason 'manifestly excessive: the same request answered on 3 March'",
        )
    request.refused_reason = keyring.seal_note(
        reason.strip(), context=notes.REFUSED, session=session
    )
    workflow.transition(
        session=session,
        clock=clock,
        request=request,
        to=S.REFUSED,
        actor=actor,
        details={
            "right_to_complain_stated": True,
            "reason_digest": keyring.digest(reason.strip()),
        },
    )


REFUSAL_RIGHTS = (
    "You have the right to complain to us about how we handled your request, and to complain"
    " to the Information Commissioner's Office (ico.org.uk/make-a-complaint, 0303 123 1113)."
    " You may also seek to enforce your rights through the courts."
)


def refusal_notice(request: RightsRequest, *, keyring: Keyring) -> str:
    """What the person must be told: the refusal, its reasons and their right to complain."""
    reasons = notes.read(keyring=keyring, stored=request.refused_reason, context=notes.REFUSED)
    if request.state != S.REFUSED or reasons is None:
        raise Conflict(f"request {request.reference} was not refused")
    return (
        f"We are not able to act on your request {request.reference}"
        f" received on {request.received_on:%d %B %Y}.\n\n"
        f"Our reasons: {reasons}\n\n{REFUSAL_RIGHTS}\n"
    )


def withdraw(
    *,
    session: Session,
    clock: Clock,
    request: RightsRequest,
    actor: str,
    reason: str | None = None,
) -> None:
    """The person no longer wants the request answered; `reason` says how they said so."""
    # The reason goes into the audit chain, which never holds personal data.
    if reason is not None and "@" in reason:
        raise UsageError(
            "the withdrawal reason looks like it holds an email address",
            fix="say how it was withdrawn without personal data, e.g. --reason 'by email'",
        )
    workflow.transition(
        session=session,
        clock=clock,
        request=request,
        to=S.WITHDRAWN,
        actor=actor,
        reason=reason.strip() if reason else None,
    )


# --- reading --------------------------------------------------------------------------------


def summarise(request: RightsRequest, *, today_on: date) -> RequestSummary:
    due = workflow.current_due_on(request, today=today_on)
    left = days_left(due, today_on)
    return RequestSummary(
        reference=request.reference,
        kind=request.kind,
        state=request.state,
        person=request.person_pseudonym,
        received_on=request.received_on,
        due_on=due,
        days_left=left,
        overdue=request.is_open and left < 0,
        extended=request.extended_due_on is not None,
        clock_stopped=open_pause(request) is not None,
    )


def requests_query(
    *, state: RequestState | str | None = None, kind: RequestKind | None = None
) -> Select[RightsRequest]:
    """Requests of that state and kind, unordered (a state that is no state is refused)."""
    query = select(RightsRequest)
    if kind is not None:
        query = query.where(RightsRequest.kind == kind)
    if state is not None:
        try:
            state = RequestState(state)
        except ValueError as exc:
            raise UsageError(
                f"unknown state {state!r}",
                fix=f"use one of: {', '.join(s.value for s in RequestState)}",
            ) from exc
        query = query.where(RightsRequest.state == state)
    return query


BY_DUE_DATE = (RightsRequest.due_on, RightsRequest.id)


def list_requests(
    *,
    session: Session,
    clock: Clock,
    state: RequestState | str | None = None,
    overdue: bool = False,
    kind: RequestKind | None = None,
) -> list[RightsRequest]:
    """Requests by due date; `overdue`: open ones whose due date has passed."""
    query = requests_query(state=state, kind=kind)
    on = today(clock)
    if overdue:
        # The stored dates decide in SQL; a paused request's date moves daily, so it is checked
        # below with the pause counted to today.
        query = query.where(
            RightsRequest.state.in_(workflow.OPEN_STATES),
            or_(
                RightsRequest.due_on < on,
                RightsRequest.state == S.PAUSED,
            ),
        )
    found = session.scalars(query.order_by(*BY_DUE_DATE)).all()
    if overdue:
        return [r for r in found if workflow.current_due_on(r, today=on) < on]
    return list(found)


def describe(request: RightsRequest, *, keyring: Keyring, today_on: date) -> RequestDetail:
    """Everything `rights show` tells: dates, verification, tasks and per-record outcomes."""
    summary = summarise(request, today_on=today_on)
    return RequestDetail(
        **summary.model_dump(),
        nation=request.nation,
        start_on=request.start_on,
        original_due_on=request.due_on,
        extended_due_on=request.extended_due_on,
        extension_reason=notes.read(
            keyring=keyring, stored=request.extension_reason, context=notes.EXTENSION
        ),
        extension_told_at=request.extension_told_at,
        paused_days=request.paused_days,
        purposes=list(request.purposes),
        policy_path=request.policy_path,
        policy_digest=request.policy_digest,
        verification_method=request.verification_method,
        verified_at=request.verified_at,
        verified_by=request.verified_by,
        verification_evidence=notes.read(
            keyring=keyring, stored=request.verification_evidence, context=notes.EVIDENCE
        ),
        refused_reason=notes.read(
            keyring=keyring, stored=request.refused_reason, context=notes.REFUSED
        ),
        created_at=request.created_at,
        updated_at=request.updated_at,
        completed_at=request.completed_at,
        pauses=[PauseOut.model_validate(p) for p in request.pauses],
        tasks=[TaskOut.model_validate(t) for t in request.tasks],
        items=[ItemOut.model_validate(i) for i in request.items],
        identities=[identity_out(row, keyring=keyring) for row in request.identities],
        review=[ReviewItemOut.model_validate(i) for i in request.review_items],
    )


def identity_out(row: RequestIdentity, *, keyring: Keyring) -> IdentityOut:
    return IdentityOut(
        identity=identities.label(row.identity),
        verified=row.verified,
        searched_by=row.verified,
        method=row.method,
        verified_at=row.verified_at,
        verified_by=row.verified_by,
        evidence=notes.read(keyring=keyring, stored=row.evidence, context=notes.IDENTITY_EVIDENCE),
        dropped_because=None if row.verified else identities.why_unproved(row.identity),
    )
