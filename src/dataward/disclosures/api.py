"""JSON routes of the disclosure register (`/api/v1/disclosures`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.core.console import LARGEST_ID
from dataward.core.web import DbSession, KeyringDep, RuntimeDep
from dataward.disclosures import service
from dataward.disclosures.schemas import DecisionIn, DisclosureIn, DisclosureOut, ReleaseIn
from dataward.disclosures.web import shown, staff_of
from dataward.policy.service import LoadedPolicy
from dataward.policy.web import PolicyDep

router = APIRouter(prefix="/disclosures", tags=["disclosures"])
DisclosureId = Annotated[int, Path(ge=1, le=LARGEST_ID)]


@router.get("")
def list_disclosures(
    session: DbSession,
    keyring: KeyringDep,
    status: str | None = None,
    ticket: str | None = None,
    principal: Principal = api_access(Permission.OVERSIGHT_READ),
) -> list[DisclosureOut]:
    """The register, oldest first; `ticket` keeps those recorded against that ticket."""
    found = service.list_disclosures(session=session, status=status, ticket=ticket)
    return [
        shown(service.view(session=session, keyring=keyring, disclosure=d), principal)
        for d in found
    ]


@router.get("/{disclosure_id}")
def get_disclosure(
    disclosure_id: DisclosureId,
    session: DbSession,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.OVERSIGHT_READ),
) -> DisclosureOut:
    found = service.get_disclosure(session=session, disclosure_id=disclosure_id)
    return shown(service.view(session=session, keyring=keyring, disclosure=found), principal)


@router.post("", status_code=201)
def open_disclosure(
    body: DisclosureIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.OVERSIGHT_ACT),
) -> DisclosureOut:
    made = service.open_disclosure(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        staff=staff_of(principal),
        requester_kind=body.requester_kind,
        requester=body.requester,
        ground=body.ground,
        asked=body.asked,
        tickets=body.tickets,
        email=body.email,
        phone=body.phone,
    )
    return shown(service.view(session=session, keyring=keyring, disclosure=made), principal)


def _decide(
    approve: bool, disclosure_id: DisclosureId, body: DecisionIn, session: DbSession,
    runtime: RuntimeDep, keyring: KeyringDep, loaded: LoadedPolicy, principal: Principal,
) -> DisclosureOut:  # fmt: skip
    made = service.decide(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        policy=loaded.policy,
        staff=staff_of(principal),
        disclosure_id=disclosure_id,
        approve=approve,
        note=body.note,
    )
    return shown(service.view(session=session, keyring=keyring, disclosure=made), principal)


@router.post("/{disclosure_id}/approve")
def approve(
    disclosure_id: DisclosureId,
    body: DecisionIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    principal: Principal = api_access(Permission.OVERSIGHT_ACT),
) -> DisclosureOut:
    """Approve: a role the policy names, and not the person who opened it."""
    return _decide(True, disclosure_id, body, session, runtime, keyring, loaded, principal)


@router.post("/{disclosure_id}/refuse")
def refuse(
    disclosure_id: DisclosureId,
    body: DecisionIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    principal: Principal = api_access(Permission.OVERSIGHT_ACT),
) -> DisclosureOut:
    return _decide(False, disclosure_id, body, session, runtime, keyring, loaded, principal)


@router.post("/{disclosure_id}/release")
def release(
    disclosure_id: DisclosureId,
    body: ReleaseIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.OVERSIGHT_ACT),
) -> DisclosureOut:
    """Record what was released and the SHA-256 of the package: only after an approval."""
    made = service.release(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        staff=staff_of(principal),
        disclosure_id=disclosure_id,
        released_what=body.released_what,
        package_name=body.package_name,
        package_sha256=body.package_sha256,
    )
    return shown(service.view(session=session, keyring=keyring, disclosure=made), principal)
