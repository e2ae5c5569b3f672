"""JSON routes of the audit log: its events, filtered and paged by sequence, and verify now."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.audit import browse
from dataward.audit import service as audit
from dataward.audit.schemas import (
    ChainStatusOut,
    LogPageOut,
    VerifyOut,
    page_out,
    status_out,
    verify_out,
)
from dataward.core.api_errors import API_ERRORS
from dataward.core.web import DbSession, RuntimeDep

router = APIRouter(tags=["audit"], responses=API_ERRORS)
Text = Annotated[str | None, Query(max_length=200)]


@router.get("/audit/events", response_model=LogPageOut)
def list_events(
    session: DbSession,
    action: Text = None,
    actor: Text = None,
    object_type: Text = None,
    object_id: Text = None,
    since: date | None = None,
    until: date | None = None,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    limit: Annotated[int, Query(ge=1, le=browse.LARGEST_PAGE)] = browse.PAGE_SIZE,
    principal: Principal = api_access(Permission.AUDIT_READ),
) -> LogPageOut:
    """Newest first; for the next page, ask again with `before` set to the answer's `older`."""
    where = audit.EventFilter(
        since=since,
        until=until,
        action_prefix=action,
        actor=actor,
        object_type=object_type,
        object_id=object_id,
    )
    return page_out(browse.log_page(session=session, where=where, before=before, limit=limit))


@router.post("/audit/verify", response_model=VerifyOut)
def verify_now(
    session: DbSession,
    runtime: RuntimeDep,
    principal: Principal = api_access(Permission.AUDIT_READ),
) -> VerifyOut:
    """Recompute the chain, the signatures and the witness, as `dataward audit verify`."""
    report = browse.verify_everything(session=session, settings=runtime.settings)
    browse.record_verification(
        session=session, clock=runtime.clock, actor=principal.actor, report=report
    )
    return verify_out(report)


@router.get("/audit/status", response_model=ChainStatusOut)
def chain_status(
    session: DbSession, principal: Principal = api_access(Permission.AUDIT_READ)
) -> ChainStatusOut:
    return status_out(browse.chain_status(session=session))
