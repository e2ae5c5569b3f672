"""JSON routes of the breach register (`/api/v1/breaches`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.breaches import service
from dataward.breaches.schemas import BreachIn, BreachOut, DecisionIn
from dataward.breaches.web import shown
from dataward.core.console import LARGEST_ID
from dataward.core.web import DbSession, KeyringDep, RuntimeDep
from dataward.policy.web import PolicyDep

router = APIRouter(prefix="/breaches", tags=["breaches"])
BreachId = Annotated[int, Path(ge=1, le=LARGEST_ID)]


@router.get("")
def list_breaches(
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    open_only: bool = False,
    principal: Principal = api_access(Permission.OVERSIGHT_READ),
) -> list[BreachOut]:
    """The register with each clock: hours left until the 72 hours end."""
    now = runtime.clock.now()
    return [
        shown(service.view(session=session, keyring=keyring, breach=b), principal, now)
        for b in service.list_breaches(session=session, open_only=open_only)
    ]


@router.get("/{breach_id}")
def get_breach(
    breach_id: BreachId,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.OVERSIGHT_READ),
) -> BreachOut:
    found = service.get_breach(session=session, breach_id=breach_id)
    return shown(
        service.view(session=session, keyring=keyring, breach=found), principal, runtime.clock.now()
    )


@router.post("", status_code=201)
def open_breach(
    body: BreachIn,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.OVERSIGHT_ACT),
) -> BreachOut:
    """Register a breach and start its clock (`aware_at` carries its offset)."""
    breach = service.open_breach(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        loaded=loaded,
        actor=principal.actor,
        aware_at=body.aware_at,
        aware_zone="Europe/London",
        facts=service.BreachFacts(**body.model_dump(exclude={"aware_at"})),
    )
    return shown(
        service.view(session=session, keyring=keyring, breach=breach),
        principal,
        runtime.clock.now(),
    )


@router.post("/{breach_id}/decisions", status_code=201)
def decide(
    breach_id: BreachId,
    body: DecisionIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.OVERSIGHT_ACT),
) -> BreachOut:
    """Record a decision with its reasons; decisions are never rewritten."""
    service.decide(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        actor=principal.actor,
        breach_id=breach_id,
        kind=body.kind,
        ground=body.ground,
        reasons=body.reasons,
        reported_at=body.reported_at,
        late_reasons=body.late_reasons,
    )
    found = service.get_breach(session=session, breach_id=breach_id)
    return shown(
        service.view(session=session, keyring=keyring, breach=found), principal, runtime.clock.now()
    )
