"""The console's data map: the configured policy's check results, and the way to its systems,
notice versions and record of processing (each on its domain's page)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.core.web import RuntimeDep, render
from dataward.policy.schemas import check_out
from dataward.policy.service import check_policy
from dataward.policy.web import served_path

router = APIRouter(include_in_schema=False)


@router.get("/console/data-map")
def data_map_page(
    request: Request,
    runtime: RuntimeDep,
    principal: Principal = page_access(Permission.DATAMAP_READ),
) -> HTMLResponse:
    path = served_path(runtime)
    result = check_out(check_policy(path).problems)
    return render(request, "policy/data_map.html", {"check": result, "policy_name": path.name})
