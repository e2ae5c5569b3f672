"""`/api/v1/requests`: subject-rights requests and their actions, as the CLI has them.

Thin routes: each parses, calls the rights services (or staff_actions, which runs them with the
service's settings) and shapes the answer. Domain errors become the one JSON error shape.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query
from fastapi.responses import Response
from sqlalchemy.orm import Session

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.core.clock import today
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.core.web import DbSession, KeyringDep, RuntimeDep
from dataward.rights import casework, service, staff_actions
from dataward.rights.models import RequestKind, RequestState, RightsRequest
from dataward.rights.schemas import (
    CodeSentOut,
    ExtendIn,
    LetterOut,
    OpenRequestIn,
    PauseIn,
    ReasonIn,
    RefusalOut,
    RequestDetail,
    RequestPage,
    RequestSummary,
    ResumeIn,
    ReviewIn,
    ReviewOut,
    RunOut,
    SendCodeIn,
    TaskDoneIn,
    TimelineEntry,
    VerifyIn,
    VerifyOut,
    WithdrawIn,
)

router = APIRouter(prefix="/requests", tags=["requests"])
P = Permission

Why = Annotated[
    str,
    Query(
        max_length=200,
        description="Why the person's data is opened; recorded in the audit log.",
    ),
]
API_WHY = "answering the request"


def _detail(
    request: RightsRequest,
    *,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    principal: Principal,
    why: str = API_WHY,
) -> RequestDetail:
    return casework.detail_for(
        request,
        session=session,
        clock=runtime.clock,
        keyring=keyring.attached(session),
        actor=principal.actor,
        personal=principal.can(P.PERSONAL_DATA_READ),
        why=why,
    )


@router.get("", response_model=RequestPage)
def list_requests(
    session: DbSession,
    runtime: RuntimeDep,
    state: RequestState | None = None,
    kind: RequestKind | None = None,
    overdue: bool = False,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=casework.MAX_PAGE)] = 50,
    principal: Principal = api_access(P.REQUESTS_READ),
) -> RequestPage:
    """Requests by due date, with their red / amber / green status."""
    return casework.request_page(
        session=session,
        clock=runtime.clock,
        state=state,
        kind=kind,
        overdue=overdue,
        offset=offset,
        limit=limit,
    )


@router.post("", response_model=RequestSummary, status_code=201)
def open_request(
    asked: OpenRequestIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_ACT),
) -> RequestSummary:
    """Record a request as received (`rights open`); its clock starts on the day of receipt."""
    request = staff_actions.open_request(
        session=session, runtime=runtime, keyring=keyring, actor=principal.actor, asked=asked
    )
    return service.summarise(request, today_on=today(runtime.clock))


@router.get("/{reference}", response_model=RequestDetail)
def show_request(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    why: Why = API_WHY,
    principal: Principal = api_access(P.REQUESTS_READ),
) -> RequestDetail:
    """`rights show`: identities and evidence only for roles that may read personal data."""
    request = service.get_request(session=session, reference=reference)
    return _detail(
        request, session=session, runtime=runtime, keyring=keyring, principal=principal, why=why
    )


@router.get("/{reference}/timeline", response_model=list[TimelineEntry])
def request_timeline(
    reference: str, session: DbSession, principal: Principal = api_access(P.REQUESTS_READ)
) -> list[TimelineEntry]:
    """What happened to the request, when and by whom, from the audit log."""
    request = service.get_request(session=session, reference=reference)
    return casework.timeline(session=session, request=request)


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
    return _detail(request, session=session, runtime=runtime, keyring=keyring, principal=principal)


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
    return _detail(request, session=session, runtime=runtime, keyring=keyring, principal=principal)


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
    return _detail(request, session=session, runtime=runtime, keyring=keyring, principal=principal)


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
    return _detail(request, session=session, runtime=runtime, keyring=keyring, principal=principal)


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
    return _detail(request, session=session, runtime=runtime, keyring=keyring, principal=principal)


@router.get(
    "/{reference}/package",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}, "description": "The package (zip)."}},
)
def package(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    why: Why = API_WHY,
    principal: Principal = api_access(P.PERSONAL_DATA_READ),
) -> Response:
    """The access or portability package; each download is recorded in the audit log."""
    request = service.get_request(session=session, reference=reference)
    content = staff_actions.package(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=request,
        actor=principal.actor,
        why=casework.checked_why(why),
    )
    return Response(
        content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{request.reference}.zip"'},
    )


@router.get("/{reference}/letter", response_model=LetterOut)
def letter(
    reference: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    why: Why = API_WHY,
    principal: Principal = api_access(P.PERSONAL_DATA_READ),
) -> LetterOut:
    """The refusal notice, or the access letter from the package."""
    request = service.get_request(session=session, reference=reference)
    return staff_actions.letter(
        session=session,
        runtime=runtime,
        keyring=keyring,
        request=request,
        actor=principal.actor,
        why=casework.checked_why(why),
    )
