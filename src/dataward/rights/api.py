"""`/api/v1/requests`: subject-rights requests, as the CLI has them: the list, opening one,
reading one, its timeline, its package and its letter. The actions on a request are in
decision_api.py, mounted here.

Thin routes: each parses, calls the rights services (or staff_actions, which runs them with the
service's settings) and shapes the answer. Domain errors become the one JSON error shape.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.core.clock import today
from dataward.core.web import DbSession, KeyringDep, RuntimeDep
from dataward.policy.web import PolicyDep
from dataward.rights import casework, decision_api, service, staff_actions
from dataward.rights.decision_api import API_WHY, shown
from dataward.rights.models import RequestKind, RequestState
from dataward.rights.schemas import (
    LetterOut,
    OpenRequestIn,
    RequestDetail,
    RequestPage,
    RequestSummary,
    TimelineEntry,
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
    policy: PolicyDep,
    principal: Principal = api_access(P.REQUESTS_ACT),
) -> RequestSummary:
    """Record a request as received (`rights open`); its clock starts on the day of receipt."""
    request = staff_actions.open_request(
        session=session,
        runtime=runtime,
        keyring=keyring,
        loaded=policy,
        actor=principal.actor,
        asked=asked,
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
    return shown(
        request, session=session, runtime=runtime, keyring=keyring, principal=principal, why=why
    )


@router.get("/{reference}/timeline", response_model=list[TimelineEntry])
def request_timeline(
    reference: str,
    session: DbSession,
    keyring: KeyringDep,
    principal: Principal = api_access(P.REQUESTS_READ),
) -> list[TimelineEntry]:
    """What happened to the request, when and by whom, from the audit log (`actor` is the log's
    key for who acted, `by` the same in words)."""
    request = service.get_request(session=session, reference=reference)
    return casework.timeline(session=session, request=request, keyring=keyring)


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


# The actions on a request live beside the reading routes, under the same prefix.
router.include_router(decision_api.router)
