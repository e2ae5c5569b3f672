"""The suppression list and the TPS/CTPS files over JSON (mounted by the consent API)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.consent import service, tps
from dataward.consent.schemas import Who
from dataward.core.schemas import Schema
from dataward.core.web import DbSession, KeyringDep, RuntimeDep

router = APIRouter(tags=["suppression and screening"])


class SuppressIn(Who):
    reason: str = Field(min_length=1, max_length=500)


class SuppressedOut(Schema):
    suppressed: bool


class ListStatusOut(Schema):
    list: str
    imported: bool
    as_of: str | None
    rows: int
    age_days: int | None
    stale: bool


@router.post("/suppression/check")
def check(
    body: Who,
    session: DbSession,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.CONSENT_READ),
) -> SuppressedOut:
    """Whether an address or number is on the suppression list (POSTed: no address in a URL)."""
    return SuppressedOut(
        suppressed=service.is_suppressed(
            session=session, keyring=keyring, email=body.email, phone=body.phone
        )
    )


@router.post("/suppression", status_code=201)
def add(
    body: SuppressIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.CONSENT_WRITE),
) -> SuppressedOut:
    """Put an address or number on the list for good (already there changes nothing)."""
    service.suppress(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        actor=principal.actor,
        email=body.email,
        phone=body.phone,
        reason=body.reason,
    )
    return SuppressedOut(suppressed=True)


@router.get("/tps/status")
def tps_status(
    session: DbSession,
    runtime: RuntimeDep,
    principal: Principal = api_access(Permission.CONSENT_READ),
) -> list[ListStatusOut]:
    """Each list's file date, size and age; stale past 28 days (screening then refuses)."""
    return [
        ListStatusOut.model_validate(s.as_json())
        for s in tps.status(session=session, clock=runtime.clock)
    ]
