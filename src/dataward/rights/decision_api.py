"""`/api/v1/requests/{reference}/...`: the actions on a request, as the CLI's commands have them.

Thin routes over the rights services and staff_actions; `api.py` mounts them under /requests.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body
from sqlalchemy.orm import Session

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.core.web import DbSession, KeyringDep, RuntimeDep
from dataward.rights import casework, service, staff_actions
from dataward.rights.models import RightsRequest
from dataward.rights.schemas import (
    CodeSentOut,
    ExtendIn,
    PauseIn,
    ReasonIn,
    RefusalOut,
    RequestDetail,
    ResumeIn,
    ReviewIn,
    ReviewOut,
    RunOut,
    SendCodeIn,
    TaskDoneIn,
    VerifyIn,
    VerifyOut,
    WithdrawIn,
)

router = APIRouter()
P = Permission
API_WHY = "answering the request"


def shown(
    request: RightsRequest,
    *,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    principal: Principal,
    why: str = API_WHY,
) -> RequestDetail:
    """The request as this principal may see it: the identities and evidence only for a role
    that reads personal data, and then that look is recorded."""
    return casework.detail_for(
        request,
        session=session,
        clock=runtime.clock,
        keyring=keyring.attached(session),
        actor=principal.actor,
        personal=principal.can(P.PERSONAL_DATA_READ),
        why=why,
    )


@router.post("/{reference}/send-code", response_model=CodeSentOut)
def send_code(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    asked: Annotated[SendCodeIn | None, Body()] = None,
    principal: Principal = api_access(P.REQUESTS_ACT),
) -> CodeSentOut:
    request = service.get_request(session=session, reference=reference)
    return staff_actions.send_code(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=request,
        actor=principal.actor,
        by=asked.by if asked else None,
    )


@router.post("/{reference}/verify", response_model=VerifyOut)
def verify(
    reference: str,
    proof: VerifyIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_ACT),
) -> VerifyOut:
    """A code the requester received, or what staff saw; a wrong code answers verified false."""
    request = service.get_request(session=session, reference=reference)
    return staff_actions.verify(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=request,
        actor=principal.actor,
        proof=proof,
    )


@router.post("/{reference}/approve", response_model=RequestDetail)
def approve(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_DECIDE),
) -> RequestDetail:
    request = service.get_request(session=session, reference=reference)
    service.approve(session=session, clock=runtime.clock, request=request, actor=principal.actor)
    return shown(request, session=session, runtime=runtime, keyring=keyring, principal=principal)


@router.post("/{reference}/refuse", response_model=RefusalOut)
def refuse(
    reference: str,
    refusal: ReasonIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_DECIDE),
) -> RefusalOut:
    """Refuse with reasons; the answer holds the notice the person must be sent."""
    request = service.get_request(session=session, reference=reference)
    keyring.attach(session)
    service.refuse(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        request=request,
        actor=principal.actor,
        reason=refusal.reason,
    )
    return RefusalOut(
        reference=request.reference,
        state=request.state,
        notice=service.refusal_notice(request, keyring=keyring),
    )


@router.post("/{reference}/pause", response_model=RequestDetail)
def pause(
    reference: str,
    asked: PauseIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_ACT),
) -> RequestDetail:
    """Stop the clock while the person clarifies what the request covers."""
    request = service.get_request(session=session, reference=reference)
    service.pause(
        session=session,
        clock=runtime.clock,
        request=request,
        actor=principal.actor,
        asked_on=asked.asked_on,
    )
    return shown(request, session=session, runtime=runtime, keyring=keyring, principal=principal)


@router.post("/{reference}/resume", response_model=RequestDetail)
def resume(
    reference: str,
    answered: ResumeIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_ACT),
) -> RequestDetail:
    request = service.get_request(session=session, reference=reference)
    service.resume(
        session=session,
        clock=runtime.clock,
        request=request,
        actor=principal.actor,
        answered_on=answered.answered_on,
    )
    return shown(request, session=session, runtime=runtime, keyring=keyring, principal=principal)


@router.post("/{reference}/extend", response_model=RequestDetail)
def extend(
    reference: str,
    extension: ExtendIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_DECIDE),
) -> RequestDetail:
    """Two more months, only if the person was told with reasons within the first."""
    request = service.get_request(session=session, reference=reference)
    service.extend(
        session=session,
        keyring=keyring.attached(session),
        clock=runtime.clock,
        request=request,
        actor=principal.actor,
        reason=extension.reason,
        told_on=extension.told_on,
    )
    return shown(request, session=session, runtime=runtime, keyring=keyring, principal=principal)


@router.post("/{reference}/review", response_model=ReviewOut)
def review(
    reference: str,
    decided: ReviewIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_ACT),
) -> ReviewOut:
    """Include or exclude records set aside because they name someone else."""
    request = service.get_request(session=session, reference=reference)
    return staff_actions.review(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=request,
        actor=principal.actor,
        decided=decided,
    )


@router.post("/{reference}/run", response_model=RunOut)
def run(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_ACT),
) -> RunOut:
    """Run, or resume, a verified request now on every system not yet done."""
    request = service.get_request(session=session, reference=reference)
    return staff_actions.run(
        session=session, runtime=runtime, keyring=keyring, request=request, actor=principal.actor
    )


@router.post("/{reference}/task-done", response_model=RunOut)
def task_done(
    reference: str,
    task: TaskDoneIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_ACT),
) -> RunOut:
    """A manual task was done by hand; the request then runs to see what is left."""
    request = service.get_request(session=session, reference=reference)
    return staff_actions.run(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=request,
        actor=principal.actor,
        confirm_system=task.system,
    )


@router.post("/{reference}/withdraw", response_model=RequestDetail)
def withdraw(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    withdrawal: Annotated[WithdrawIn | None, Body()] = None,
    principal: Principal = api_access(P.REQUESTS_ACT),
) -> RequestDetail:
    request = service.get_request(session=session, reference=reference)
    service.withdraw(
        session=session,
        clock=runtime.clock,
        request=request,
        actor=principal.actor,
        reason=withdrawal.reason if withdrawal else None,
    )
    return shown(request, session=session, runtime=runtime, keyring=keyring, principal=principal)
