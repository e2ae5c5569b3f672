"""The staff console's requests: the list by due date, a request's page with its timeline and
action forms, the package download, and the dashboard panel. The forms post to the routes in
console_actions.py, mounted here.
"""

from __future__ import annotations

from typing import Annotated, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.core.clock import today
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime
from dataward.core.web import DbSession, KeyringDep, Panel, RuntimeDep, render
from dataward.rights import casework, console_actions, service, staff_actions
from dataward.rights.models import (
    RequestKind,
    RequestState,
    TaskMode,
    TaskState,
)
from dataward.rights.packages import PACKAGED

router = APIRouter(prefix="/console/requests", include_in_schema=False)
P = Permission
PAGE_SIZE = 50
PAGE_WHY = "working the request in the console"


KIND_WORDS = {
    RequestKind.ACCESS: "Access",
    RequestKind.ERASURE: "Erasure",
    RequestKind.RECTIFICATION: "Rectification",
    RequestKind.RESTRICTION: "Restriction",
    RequestKind.OBJECTION: "Objection",
    RequestKind.PORTABILITY: "Portability",
}


E = TypeVar("E", RequestState, RequestKind)


def _choice(kind: type[E], value: str | None) -> E | None:
    """An empty filter means all; an unknown one is refused, naming the values that exist."""
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
        "timeline": casework.timeline(session=session, request=found, keyring=keyring),
        "personal": personal,
        "can_act": principal.can(P.REQUESTS_ACT),
        "can_decide": principal.can(P.REQUESTS_DECIDE),
        "manual": [
            t for t in detail.tasks if t.mode == TaskMode.MANUAL and t.state != TaskState.DONE
        ],
        "to_review": [i for i in detail.review if i.decision is None],
        "packaged": found.kind in PACKAGED
        and found.state in (RequestState.AWAITING_REVIEW, RequestState.COMPLETED),
        "refusal": refusal,
        "done": console_actions.DONE.get(done or ""),
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


# The forms' actions are routes of their own module, under the same prefix.
router.include_router(console_actions.router)
