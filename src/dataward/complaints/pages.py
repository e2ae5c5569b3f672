"""Console pages of the complaint register: the list for all, a complaint for its readers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.complaints import letters, service
from dataward.complaints.web import full, roles_of, summary
from dataward.core.clock import today
from dataward.core.console import LARGEST_ID
from dataward.core.web import DbSession, KeyringDep, RuntimeDep, redirect, render
from dataward.policy.web import PolicyDep

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=10_000)]
ComplaintId = Annotated[int, Path(ge=1, le=LARGEST_ID)]


@router.get("/console/complaints")
def complaints_page(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    principal: Principal = page_access(Permission.OVERSIGHT_READ),
) -> HTMLResponse:
    policy = loaded.policy
    context = {
        "complaints": [summary(c, policy) for c in service.list_complaints(session=session)],
        "today": today(runtime.clock),
        "reader": service.may_read(policy, roles_of(principal)),
    }
    return render(request, "complaints/list.html", context)


@router.get("/console/complaints/{complaint_id}")
def complaint_page(
    request: Request,
    complaint_id: ComplaintId,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    keyring: KeyringDep,
    principal: Principal = page_access(Permission.OVERSIGHT_READ),
) -> HTMLResponse:
    """Only for the roles the policy names; the reading is in the audit log before it shows."""
    policy = loaded.policy
    found = service.read(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        policy=policy,
        actor=principal.actor,
        roles=roles_of(principal),
        complaint_id=complaint_id,
    )
    context = {
        "c": full(found, policy),
        "may_act": principal.can(Permission.OVERSIGHT_ACT),
        "errors": {},
    }
    return render(request, "complaints/detail.html", context)


@router.post("/console/complaints/{complaint_id}/letters", response_model=None)
def send_letter(
    complaint_id: ComplaintId,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    keyring: KeyringDep,
    kind: Text = "",
    text: Text = "",
    principal: Principal = page_access(Permission.OVERSIGHT_ACT),
) -> Response:
    """Acknowledge, update or close, and email the letter: for the complaint's readers only."""
    policy = loaded.policy
    service.require_reader(policy, roles_of(principal))
    clock, actor = runtime.clock, principal.actor
    if kind == "acknowledgement":
        complaint = service.acknowledge(
            session=session, clock=clock, policy=policy, actor=actor, complaint_id=complaint_id
        )
    elif kind == "update":
        service.add_update(
            session=session, keyring=keyring, clock=clock, actor=actor,
            complaint_id=complaint_id, text=text,
        )  # fmt: skip
        complaint = service.get_complaint(session=session, complaint_id=complaint_id)
    else:
        complaint = service.close(
            session=session, keyring=keyring, clock=clock, actor=actor,
            complaint_id=complaint_id, outcome=text,
        )  # fmt: skip
        kind = "outcome"
    letters.send_letter(
        session=session,
        keyring=keyring,
        clock=clock,
        settings=runtime.settings,
        policy=policy,
        complaint=complaint,
        kind=kind,
        text=text or None,
    )
    return redirect(f"/console/complaints/{complaint_id}")
