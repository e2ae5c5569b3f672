"""JSON: who the caller is, and (for administrators) the API tokens that exist."""

from __future__ import annotations

from fastapi import APIRouter

from dataward.accounts import tokens
from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import GRANTS, Permission
from dataward.accounts.schemas import TokenSummary, WhoAmI
from dataward.core.web import DbSession, RuntimeDep

router = APIRouter(tags=["accounts"])


@router.get("/me")
def who_am_i(principal: Principal = api_access()) -> WhoAmI:
    """The account or token making this call, its role and what the role allows."""
    return WhoAmI(
        kind=principal.kind,
        id=principal.id,
        name=principal.name,
        role=principal.role.value,
        job_roles=sorted(principal.job_roles),
        permissions=sorted(p.value for p in GRANTS[principal.role]),
    )


@router.get("/tokens")
def list_tokens(
    session: DbSession,
    runtime: RuntimeDep,
    principal: Principal = api_access(Permission.USERS_MANAGE),
) -> list[TokenSummary]:
    """Every API token (never the token itself): role, expiry, last use, status."""
    now = runtime.clock.now()
    return [
        TokenSummary(
            id=row.id,
            name=row.name,
            role=row.role,
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
            status="revoked"
            if row.revoked_at
            else ("expired" if row.expires_at <= now else "active"),
        )
        for row in tokens.list_tokens(session=session)
    ]
