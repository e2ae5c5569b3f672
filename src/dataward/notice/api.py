"""JSON routes of the privacy notice's versions: list, read, compare, publish."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.core.api_errors import API_ERRORS
from dataward.core.web import DbSession, RuntimeDep
from dataward.notice import service as versions
from dataward.notice.schemas import (
    DiffOut,
    PublishedOut,
    PublishIn,
    VersionDetailOut,
    VersionOut,
    version_detail,
    version_out,
)
from dataward.policy.web import PolicyDep

router = APIRouter(tags=["notice"], responses=API_ERRORS)
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/notice/versions", response_model=list[VersionOut])
def list_versions(
    session: DbSession, principal: Principal = api_access(Permission.DATAMAP_READ)
) -> list[VersionOut]:
    return [version_out(v) for v in versions.list_versions(session=session)]


@router.get("/notice/versions/{number}", response_model=VersionDetailOut)
def get_version(
    number: Number, session: DbSession, principal: Principal = api_access(Permission.DATAMAP_READ)
) -> VersionDetailOut:
    return version_detail(versions.get_version(session=session, number=number))


@router.get("/notice/versions/{old}/diff/{new}", response_model=DiffOut)
def diff_versions(
    old: Number,
    new: Number,
    session: DbSession,
    principal: Principal = api_access(Permission.DATAMAP_READ),
) -> DiffOut:
    changes = versions.diff_versions(session=session, old=old, new=new)
    return DiffOut(old=old, new=new, changes=changes)


@router.post("/notice/versions", response_model=PublishedOut)
def publish(
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    body: PublishIn | None = None,
    principal: Principal = api_access(Permission.DATAMAP_PUBLISH),
) -> PublishedOut:
    """Publish the notice the configured policy gives, unless it says what the latest says."""
    result = versions.publish(
        session=session,
        clock=runtime.clock,
        loaded=loaded,
        actor=principal.actor,
        effective_on=body.effective_on if body else None,
    )
    return PublishedOut(
        created=result.created,
        number=result.version.number,
        effective_on=result.version.effective_on,
        changes=result.changes,
    )
