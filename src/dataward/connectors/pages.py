"""The console's systems page: each system the policy declares, its last connection test,
and "Test now" (the same test as `dataward systems test`, kept in the audit log)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.connectors import testing
from dataward.connectors.schemas import systems_out
from dataward.core.web import DbSession, RuntimeDep, redirect, render
from dataward.policy.web import PolicyDep

router = APIRouter(include_in_schema=False)


@router.get("/console/data-map/systems")
def systems_page(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    principal: Principal = page_access(Permission.DATAMAP_READ),
) -> HTMLResponse:
    systems = systems_out(loaded, testing.last_tests(session=session))
    return render(request, "connectors/systems.html", {"systems": systems})


@router.post("/console/data-map/systems/{name}/test")
def test_now(
    name: Annotated[str, Path(max_length=200)],
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    principal: Principal = page_access(Permission.DATAMAP_READ),
) -> Response:
    result = testing.test_system(loaded, name)
    testing.record_test(session=session, clock=runtime.clock, actor=principal.actor, result=result)
    return redirect("/console/data-map/systems")
