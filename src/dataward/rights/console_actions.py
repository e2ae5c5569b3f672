"""The console's forms on a request: each posts, then a 303 back to the request's page, which
says what was done.

The words of that message are chosen here by the action's name, never taken from the address,
so nothing typed into a link can be shown as if the console said it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.core.web import DbSession, KeyringDep, RuntimeDep, redirect
from dataward.rights import service, staff_actions
from dataward.rights.models import ReviewDecision
from dataward.rights.schemas import ReviewIn, VerifyIn

router = APIRouter(include_in_schema=False)
P = Permission

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


def _back(reference: str, done: str) -> RedirectResponse:
    return redirect(f"/console/requests/{reference}?{urlencode({'done': done})}")


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
