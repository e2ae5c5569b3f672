"""JSON routes of the complaint register (`/api/v1/complaints`)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.complaints import service
from dataward.complaints.schemas import ComplaintIn, ComplaintOut, ComplaintSummary
from dataward.complaints.web import full, roles_of, summary
from dataward.core.console import LARGEST_ID
from dataward.core.web import DbSession, KeyringDep, RuntimeDep
from dataward.policy.web import PolicyDep

router = APIRouter(prefix="/complaints", tags=["complaints"])
ComplaintId = Annotated[int, Path(ge=1, le=LARGEST_ID)]


@router.get("")
def list_complaints(
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    status: Literal["open", "acknowledged", "closed"] | None = None,
    principal: Principal = api_access(Permission.OVERSIGHT_READ),
) -> list[ComplaintSummary]:
    """Dates and status with both countings of the acknowledgement; never the contents."""
    policy = loaded.policy
    return [summary(c, policy) for c in service.list_complaints(session=session, status=status)]


@router.get("/{complaint_id}")
def read_complaint(
    complaint_id: ComplaintId,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.OVERSIGHT_READ),
) -> ComplaintOut:
    """A complaint in full: only for the roles the policy names; the reading is recorded."""
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
    return full(found, policy)


@router.post("", status_code=201)
def open_complaint(
    body: ComplaintIn,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.OVERSIGHT_ACT),
) -> ComplaintSummary:
    """Record a complaint made by phone, letter or in person."""
    made = service.open_complaint(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        actor=principal.actor,
        **body.model_dump(),
    )
    return summary(made, loaded.policy)
