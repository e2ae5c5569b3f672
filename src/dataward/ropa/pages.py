"""The record of processing downloaded from the console's data map (XLSX or CSV)."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter
from fastapi.responses import Response

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.core.clock import today
from dataward.core.web import RuntimeDep
from dataward.policy.web import PolicyDep
from dataward.ropa.api import attachment
from dataward.ropa.files import ropa_download
from dataward.ropa.service import build_ropa

router = APIRouter(include_in_schema=False)


class FileFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@router.get("/console/data-map/ropa")
def download_ropa(
    runtime: RuntimeDep,
    loaded: PolicyDep,
    format: FileFormat = FileFormat.XLSX,
    principal: Principal = page_access(Permission.DATAMAP_READ),
) -> Response:
    ropa = build_ropa(loaded, on=today(runtime.clock))
    content, media_type, name = ropa_download(
        ropa, organisation=loaded.policy.organisation.name, fmt=format.value
    )
    return attachment(content, media_type, name)
