"""What staff see of requests: the list with its due-date colours, the timeline read back from
the audit log, the dashboard's counts, and the record of each time staff open a person's data.

The web's JSON routes and console pages read requests through here; nothing here changes a
request, except that opening a person's data is itself an audited event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.accounts import actors
from dataward.audit import service as audit
from dataward.core.clock import Clock, today
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.rights import workflow
from dataward.rights.models import (
    RequestKind,
    RequestState,
    ReviewItem,
    RightsRequest,
)
from dataward.rights.schemas import (
    DeskSummary,
    DueStatus,
    RequestDetail,
    RequestLine,
    RequestPage,
    RequestSummary,
    TimelineEntry,
)
from dataward.rights.service import (
    BY_DUE_DATE,
    describe,
    list_requests,
    requests_query,
    summarise,
)

# Staff need days, not hours, to finish a request: three working days' warning is the least
# that leaves time to chase a system, ten gives time to ask for an extension.
RED_WITHIN_DAYS = 3
AMBER_WITHIN_DAYS = 10
MAX_PAGE = 200
FIRST_DUE_ON_DASHBOARD = 8

# Said once, on the event of staff opening a person's data.
PERSONAL_DATA_VIEWED = "rights.personal_data.viewed"


def due_status(summary: RequestSummary) -> DueStatus:
    if summary.state in (RequestState.COMPLETED, RequestState.REFUSED, RequestState.WITHDRAWN):
        return DueStatus.CLOSED
    if summary.overdue or summary.days_left <= RED_WITHIN_DAYS:
        return DueStatus.RED
    if summary.days_left <= AMBER_WITHIN_DAYS:
        return DueStatus.AMBER
    return DueStatus.GREEN


def line(request: RightsRequest, *, today_on: date) -> RequestLine:
    summary = summarise(request, today_on=today_on)
    return RequestLine(**summary.model_dump(), due_status=due_status(summary))


def request_page(
    *,
    session: Session,
    clock: Clock,
    state: RequestState | None = None,
    kind: RequestKind | None = None,
    overdue: bool = False,
    offset: int = 0,
    limit: int = 50,
) -> RequestPage:
    """Requests by due date, filtered, one page of them."""
    offset = max(offset, 0)
    limit = min(max(limit, 1), MAX_PAGE)
    on = today(clock)
    if overdue:
        # Overdue is decided in Python for paused requests (their due date moves daily); the
        # candidates are open requests only, a short list.
        found = list_requests(session=session, clock=clock, state=state, kind=kind, overdue=True)
        return RequestPage(
            items=[line(r, today_on=on) for r in found[offset : offset + limit]],
            total=len(found),
            offset=offset,
            limit=limit,
        )
    # Every request ever made can be many: count and page in the database.
    query = requests_query(state=state, kind=kind)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(*BY_DUE_DATE).offset(offset).limit(limit))
    return RequestPage(
        items=[line(r, today_on=on) for r in rows], total=total, offset=offset, limit=limit
    )


def desk_summary(*, session: Session, clock: Clock) -> DeskSummary:
    """Open requests by due date, what is overdue or paused, and what waits for a reviewer."""
    on = today(clock)
    open_requests = list(
        session.scalars(
            select(RightsRequest)
            .where(RightsRequest.state.in_(workflow.OPEN_STATES))
            .order_by(RightsRequest.due_on, RightsRequest.id)
        )
    )
    lines = sorted((line(r, today_on=on) for r in open_requests), key=lambda x: x.due_on)
    records = session.scalar(
        select(func.count(ReviewItem.id))
        .join(RightsRequest, RightsRequest.id == ReviewItem.request_id)
        .where(
            ReviewItem.decision.is_(None),
            RightsRequest.state.in_(workflow.OPEN_STATES),
        )
    )
    return DeskSummary(
        open=len(lines),
        overdue=sum(1 for x in lines if x.overdue),
        paused=sum(1 for x in lines if x.clock_stopped),
        awaiting_review=sum(1 for x in lines if x.state == RequestState.AWAITING_REVIEW),
        records_to_review=records or 0,
        first_due=lines[:FIRST_DUE_ON_DASHBOARD],
    )


# --- the timeline ---------------------------------------------------------------------------

STATE_WORDS: Mapping[str, str] = {
    "received": "Received",
    "awaiting_verification": "Waiting for the person to prove who they are",
    "verified": "Identity verified: the clock runs",
    "in_progress": "Work started on the systems",
    "paused": "Clock stopped: a clarification was asked",
    "awaiting_review": "Work done on every system: waiting for a reviewer",
    "completed": "Approved and completed",
    "refused": "Refused, with reasons and the right to complain",
    "withdrawn": "Withdrawn by the person",
}

ACTION_WORDS: Mapping[str, str] = {
    "rights.request.opened": "Request recorded",
    "rights.request.extended": "Deadline extended to {extended_due_on}",
    "rights.verification.code_sent": "Verification code sent",
    "rights.verification.failed": "A verification code was not accepted ({outcome})",
    "rights.identity.verified": "Identity {identity} verified ({method})",
    "rights.identities.dropped": "Identities not searched because they were not proved",
    "rights.search.done": "Systems searched: {records} record(s) found",
    "rights.task.done": "Done on {system}",
    "rights.task.failed": "Failed on {system} after {attempts} tries",
    "rights.task.manual": "Manual task waiting on {system}",
    "rights.task.confirmed": "Manual task on {system} marked done",
    "rights.review.set_aside": "{records} record(s) naming someone else set aside for review",
    "rights.review.decided": "Set-aside record #{item} on {system}: {decision}",
    "rights.recipients.to_tell": "Recipients to tell of the change",
    PERSONAL_DATA_VIEWED: "Personal data opened ({what}) because: {why}",
}


def _said(action: str, details: Mapping[str, Any]) -> str:
    plain = {k: v for k, v in details.items() if isinstance(v, str | int | float)}
    if action.startswith("rights.request.") and action != "rights.request.extended":
        state = action.removeprefix("rights.request.")
        if state in STATE_WORDS:
            return STATE_WORDS[state]
    template = ACTION_WORDS.get(action)
    if template is None:
        return action.replace("rights.", "", 1).replace(".", " ").replace("_", " ").capitalize()
    try:
        return template.format(**plain)
    except (KeyError, IndexError, ValueError):
        return template.split(" {", 1)[0].split(" (", 1)[0]


def timeline(*, session: Session, request: RightsRequest, keyring: Keyring) -> list[TimelineEntry]:
    """What happened to the request, when and by whom, as the audit log recorded it."""
    # By the person's pseudonym (indexed), then this request's events among theirs.
    where = audit.EventFilter(subject=request.person_pseudonym)
    events = [
        event
        for event in audit.events(session=session, where=where)
        if event.object_type == "rights_request" and event.object_id == request.reference
    ]
    by = actors.names(session=session, keyring=keyring, actors={e.actor for e in events})
    return [
        TimelineEntry(
            sequence=event.sequence,
            at=event.at,
            actor=event.actor,
            by=by[event.actor],
            action=event.action,
            said=_said(event.action, event.details or {}),
        )
        for event in events
    ]


# --- staff opening a person's data ----------------------------------------------------------


def record_personal_data_access(
    *,
    session: Session,
    clock: Clock,
    request: RightsRequest,
    actor: str,
    what: str,
    why: str,
) -> None:
    """Staff are about to see a person's data: who, what and why go into the audit log first,
    in the same transaction as whatever they are shown."""
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=PERSONAL_DATA_VIEWED,
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details={"what": what, "why": why},
    )


def checked_why(why: str) -> str:
    """The reason staff give for opening someone's data; it goes into the audit log, which
    never holds personal data."""
    why = " ".join(why.split())
    if not why:
        raise UsageError("say why the person's data is opened", fix="e.g. 'answering the request'")
    if "@" in why:
        raise UsageError(
            "the reason looks like it holds an email address",
            fix="say why without personal data, e.g. 'checking the package before sending'",
        )
    return why[:200]


def detail_for(
    request: RightsRequest,
    *,
    session: Session,
    clock: Clock,
    keyring: Keyring,
    actor: str,
    personal: bool,
    why: str,
) -> RequestDetail:
    """`rights show` for someone on the web. With `personal` (a role that reads personal data)
    the identities and the evidence seen are shown, and that opening is recorded; without it
    they are left out, so an auditor sees dates, states and work, never the person."""
    detail = describe(request, keyring=keyring, today_on=today(clock))
    if not personal:
        return detail.model_copy(update={"identities": [], "verification_evidence": None})
    record_personal_data_access(
        session=session,
        clock=clock,
        request=request,
        actor=actor,
        what="identities",
        why=checked_why(why),
    )
    return detail
