"""`GET /policy/check`: the configured policy's problems, as `dataward check` lists them."""

from __future__ import annotations

from fastapi import APIRouter

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.core.api_errors import API_ERRORS
from dataward.core.web import RuntimeDep
from dataward.policy.schemas import CheckOut, check_out
from dataward.policy.service import check_policy
from dataward.policy.web import served_path

router = APIRouter(tags=["policy"], responses=API_ERRORS)


@router.get("/policy/check", response_model=CheckOut)
def check(
    runtime: RuntimeDep, principal: Principal = api_access(Permission.DATAMAP_READ)
) -> CheckOut:
    """Errors and warnings, each at FILE:LINE:COL with its fix."""
    return check_out(check_policy(served_path(runtime)).problems)
