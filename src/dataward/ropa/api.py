"""`GET /ropa`: the record of processing, as `dataward ropa export` writes it, or as JSON."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter
from fastapi.responses import Response

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.core.api_errors import API_ERRORS
from dataward.core.clock import today
from dataward.core.web import RuntimeDep
from dataward.policy.web import PolicyDep
from dataward.ropa.files import CSV_TYPE, XLSX_TYPE, ropa_download
from dataward.ropa.schemas import RopaOut, ropa_out
from dataward.ropa.service import build_ropa

router = APIRouter(tags=["ropa"], responses=API_ERRORS)


class RopaFormat(StrEnum):
    JSON = "json"
    XLSX = "xlsx"
    CSV = "csv"


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/ropa",
    response_model=RopaOut,
    responses={200: {"content": {XLSX_TYPE: {}, CSV_TYPE: {}}}},
)
def get_ropa(
    runtime: RuntimeDep,
    loaded: PolicyDep,
    format: RopaFormat = RopaFormat.JSON,
    principal: Principal = api_access(Permission.DATAMAP_READ),
) -> RopaOut | Response:
    """The ICO template's columns: JSON, or the XLSX or CSV file `dataward ropa export` writes."""
    ropa = build_ropa(loaded, on=today(runtime.clock))
    organisation = loaded.policy.organisation.name
    if format == RopaFormat.JSON:
        return ropa_out(ropa, organisation=organisation)
    return attachment(*ropa_download(ropa, organisation=organisation, fmt=format.value))
