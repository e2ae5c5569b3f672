"""JSON routes of the systems: each declared system with its last test, and "test now"."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.connectors import testing
from dataward.connectors.schemas import SystemOut, SystemTestOut, systems_out, test_out
from dataward.core.api_errors import API_ERRORS
from dataward.core.web import DbSession, RuntimeDep
from dataward.policy.web import PolicyDep

router = APIRouter(tags=["systems"], responses=API_ERRORS)


@router.get("/systems", response_model=list[SystemOut])
def list_systems(
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    principal: Principal = api_access(Permission.DATAMAP_READ),
) -> list[SystemOut]:
    return systems_out(loaded, testing.last_tests(session=session))


@router.post("/systems/{name}/test", response_model=SystemTestOut)
def test_now(
    name: Annotated[str, Path(max_length=200)],
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    principal: Principal = api_access(Permission.DATAMAP_READ),
) -> SystemTestOut:
    """Reach the system now (as `dataward systems test --system NAME`) and keep the result."""
    result = testing.test_system(loaded, name)
    testing.record_test(session=session, clock=runtime.clock, actor=principal.actor, result=result)
    return test_out(result)
