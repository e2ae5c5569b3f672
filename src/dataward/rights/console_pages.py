"""The staff console's requests: the list by due date, a request's page with its timeline and
action forms, the package download, and the dashboard panel.

Each action is a plain form: POST, then a 303 back to the request's page, which says what was
done. The words of that message are chosen here by the action's name, never taken from the
address, so nothing typed into a link can be shown as if the console said it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.core.clock import today
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime
from dataward.core.web import DbSession, KeyringDep, Panel, RuntimeDep, redirect, render
from dataward.rights import casework, service, staff_actions
from dataward.rights.models import (
    RequestKind,
    RequestState,
    ReviewDecision,
    TaskMode,
    TaskState,
)
from dataward.rights.schemas import ReviewIn, VerifyIn

router = APIRouter(prefix="/console/requests", include_in_schema=False)
P = Permission
PAGE_SIZE = 50
PAGE_WHY = "working the request in the console"

DONE: dict[str, str] = {
    "approved": "Approved: the request is completed.",
    "refused": "Refused. Send the person the letter below.",
    "paused": "The clock is stopped until the person answers.",
    "resumed": "The clock runs again.",
    "extended": "Extended by two months.",
    "task-done": "The manual task is marked done.",
    "reviewed": "The set-aside record is decided.",
    "ran": "The request ran on its systems.",
    "withdrawn": "Withdrawn.",
    "verified": "Identity verified: the clock runs and the request is queued to run.",
    "code-sent": "A verification code was sent to the person.",
}

KIND_WORDS = {
    RequestKind.ACCESS: "Access",
    RequestKind.ERASURE: "Erasure",
    RequestKind.RECTIFICATION: "Rectification",
    RequestKind.RESTRICTION: "Restriction",
    RequestKind.OBJECTION: "Objection",
    RequestKind.PORTABILITY: "Portability",
}


def _back(reference: str, done: str) -> RedirectResponse:
    return redirect(f"/console/requests/{reference}?{urlencode({'done': done})}")


E = TypeVar("E", RequestState, RequestKind)


def _choice(kind: type[E], value: str | None) -> E | None:
    """An empty filter means all; an unknown one is a clear mistake, not an error page."""
    if not value:
        return None
    try:
        return kind(value)
    except ValueError as exc:
        what = "state" if kind is RequestState else "kind"
        raise UsageError(
            f"unknown {what} {value!r}",
            fix=f"use one of: {', '.join(member.value for member in kind)}",
        ) from exc


@router.get("", response_class=HTMLResponse)
def request_list(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    state: str | None = None,
    kind: str | None = None,
    overdue: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    principal: Principal = page_access(P.REQUESTS_READ),
) -> HTMLResponse:
    chosen_state = _choice(RequestState, state)
    chosen_kind = _choice(RequestKind, kind)
    listed = casework.request_page(
        session=session,
        clock=runtime.clock,
        state=chosen_state,
        kind=chosen_kind,
        overdue=overdue,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
    )
    filters = {
        k: v for k, v in (("state", state or ""), ("kind", kind or ""), ("overdue", overdue)) if v
    }
    context = {
        "listed": listed,
        "desk": casework.desk_summary(session=session, clock=runtime.clock),
        "states": list(RequestState),
        "kinds": KIND_WORDS,
        "state": chosen_state,
        "kind": chosen_kind,
        "overdue": overdue,
        "page": page,
        "pages": max(1, -(-listed.total // PAGE_SIZE)),
        "query": lambda **changes: urlencode({**filters, **changes}),
    }
    template = (
        "rights/console/table.html"
        if request.headers.get("hx-request") == "true"
        else "rights/console/list.html"
    )
    return render(request, template, context)


@router.get("/{reference}", response_class=HTMLResponse)
def request_page(
    request: Request,
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    done: str | None = None,
    principal: Principal = page_access(P.REQUESTS_READ),
) -> HTMLResponse:
    found = service.get_request(session=session, reference=reference)
    personal = principal.can(P.PERSONAL_DATA_READ)
    detail = casework.detail_for(
        found,
        session=session,
        clock=runtime.clock,
        keyring=keyring.attached(session),
        actor=principal.actor,
        personal=personal,
        why=PAGE_WHY,
    )
    refusal = None
    if found.state == RequestState.REFUSED and personal:
        refusal = staff_actions.letter(
            session=session,
            runtime=runtime,
            keyring=keyring,
            request=found,
            actor=principal.actor,
            why=PAGE_WHY,
        ).body
    context = {
        "detail": detail,
        "line": casework.line(found, today_on=today(runtime.clock)),
        "timeline": casework.timeline(session=session, request=found),
        "personal": personal,
        "can_act": principal.can(P.REQUESTS_ACT),
        "can_decide": principal.can(P.REQUESTS_DECIDE),
        "manual": [
            t for t in detail.tasks if t.mode == TaskMode.MANUAL and t.state != TaskState.DONE
        ],
        "to_review": [i for i in detail.review if i.decision is None],
        "packaged": found.kind in staff_actions.PACKAGED
        and found.state in (RequestState.AWAITING_REVIEW, RequestState.COMPLETED),
        "refusal": refusal,
        "done": DONE.get(done or ""),
        "kinds": KIND_WORDS,
        "today": today(runtime.clock),
    }
    return render(request, "rights/console/detail.html", context)


@router.get("/{reference}/package")
def download_package(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = page_access(P.PERSONAL_DATA_READ),
) -> Response:
    found = service.get_request(session=session, reference=reference)
    content = staff_actions.package(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=found,
        actor=principal.actor,
        why="package downloaded from the console",
    )
    return Response(
        content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{found.reference}.zip"'},
    )


# --- the actions -----------------------------------------------------------------------------


@router.post("/{reference}/approve")
def approve(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    principal: Principal = page_access(P.REQUESTS_DECIDE),
) -> RedirectResponse:
    found = service.get_request(session=session, reference=reference)
    service.approve(session=session, clock=runtime.clock, request=found, actor=principal.actor)
    return _back(found.reference, "approved")


@router.post("/{reference}/refuse")
def refuse(
    reference: str,
    reason: Annotated[str, Form(max_length=2000)],
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = page_access(P.REQUESTS_DECIDE),
) -> RedirectResponse:
    found = service.get_request(session=session, reference=reference)
    service.refuse(
        session=session,
        keyring=keyring.attached(session),
        clock=runtime.clock,
        request=found,
        actor=principal.actor,
        reason=reason,
    )
    return _back(found.reference, "refused")


@router.post("/{reference}/extend")
def extend(
    reference: str,
    reason: Annotated[str, Form(max_length=2000)],
    told_on: Annotated[date, Form()],
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = page_access(P.REQUESTS_DECIDE),
) -> RedirectResponse:
    found = service.get_request(session=session, reference=reference)
    service.extend(
        session=session,
        keyring=keyring.attached(session),
        clock=runtime.clock,
        request=found,
        actor=principal.actor,
        reason=reason,
        told_on=told_on,
    )
    return _back(found.reference, "extended")


@router.post("/{reference}/pause")
def pause(
    reference: str,
    asked_on: Annotated[date, Form()],
    session: DbSession,
    runtime: RuntimeDep,
    principal: Principal = page_access(P.REQUESTS_ACT),
) -> RedirectResponse:
    found = service.get_request(session=session, reference=reference)
    service.pause(
        session=session,
        clock=runtime.clock,
        request=found,
        actor=principal.actor,
        asked_on=asked_on,
    )
    return _back(found.reference, "paused")


@router.post("/{reference}/resume")
def resume(
    reference: str,
    answered_on: Annotated[date, Form()],
    session: DbSession,
    runtime: RuntimeDep,
    principal: Principal = page_access(P.REQUESTS_ACT),
) -> RedirectResponse:
    found = service.get_request(session=session, reference=reference)
    service.resume(
        session=session,
        clock=runtime.clock,
        request=found,
        actor=principal.actor,
        answered_on=answered_on,
    )
    return _back(found.reference, "resumed")


@router.post("/{reference}/withdraw")
def withdraw(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    reason: Annotated[str | None, Form(max_length=200)] = None,
    principal: Principal = page_access(P.REQUESTS_ACT),
) -> RedirectResponse:
    found = service.get_request(session=session, reference=reference)
    service.withdraw(
        session=session,
        clock=runtime.clock,
        request=found,
        actor=principal.actor,
        reason=reason or None,
    )
    return _back(found.reference, "withdrawn")


@router.post("/{reference}/verify")
def verify(
    reference: str,
    evidence: Annotated[str, Form(max_length=2000)],
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = page_access(P.REQUESTS_ACT),
) -> RedirectResponse:
    """Staff record the evidence they saw (a requester's code is entered on the public site)."""
    found = service.get_request(session=session, reference=reference)
    staff_actions.verify(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=found,
        actor=principal.actor,
        proof=VerifyIn(evidence=evidence),
    )
    return _back(found.reference, "verified")


@router.post("/{reference}/send-code")
def send_code(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = page_access(P.REQUESTS_ACT),
) -> RedirectResponse:
    found = service.get_request(session=session, reference=reference)
    staff_actions.send_code(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=found,
        actor=principal.actor,
        by=None,
    )
    return _back(found.reference, "code-sent")


@router.post("/{reference}/run")
def run(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = page_access(P.REQUESTS_ACT),
) -> RedirectResponse:
    found = service.get_request(session=session, reference=reference)
    staff_actions.run(
        session=session, runtime=runtime, keyring=keyring, request=found, actor=principal.actor
    )
    return _back(found.reference, "ran")


@router.post("/{reference}/task-done")
def task_done(
    reference: str,
    system: Annotated[str, Form(max_length=200)],
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = page_access(P.REQUESTS_ACT),
) -> RedirectResponse:
    found = service.get_request(session=session, reference=reference)
    staff_actions.run(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=found,
        actor=principal.actor,
        confirm_system=system,
    )
    return _back(found.reference, "task-done")


@router.post("/{reference}/review")
def review(
    reference: str,
    item: Annotated[int, Form(ge=1)],
    decision: Annotated[ReviewDecision, Form()],
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    note: Annotated[str | None, Form(max_length=2000)] = None,
    principal: Principal = page_access(P.REQUESTS_ACT),
) -> RedirectResponse:
    found = service.get_request(session=session, reference=reference)
    include = decision == ReviewDecision.INCLUDE
    staff_actions.review(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=found,
        actor=principal.actor,
        decided=ReviewIn(
            include=[item] if include else [],
            exclude=[] if include else [item],
            note=note or None,
        ),
    )
    return _back(found.reference, "reviewed")


# --- the dashboard ---------------------------------------------------------------------------


def dashboard_panel(*, session: Session, runtime: Runtime, principal: Principal) -> Panel | None:
    """Requests by due date, paused clocks, what is overdue and what waits for review."""
    if not principal.can(P.REQUESTS_READ):
        return None
    return Panel(
        "Requests",
        "rights/console/panel.html",
        {"desk": casework.desk_summary(session=session, clock=runtime.clock), "kinds": KIND_WORDS},
    )
