"""The console's notice versions: each published version, what changed from the one before,
and "Publish a new version" from the configured policy (`datamap.publish`).

The public notice page is `notice/pages.py`; these are staff pages."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.core.errors import UsageError
from dataward.core.web import DbSession, RuntimeDep, redirect, render
from dataward.notice import service as versions
from dataward.notice.schemas import version_detail, version_out
from dataward.policy.web import PolicyDep

router = APIRouter(include_in_schema=False)
Number = Annotated[int, Path(ge=1, le=2**31 - 1)]
HOME = "/console/data-map/notice"
SAID = re.compile(r"^(published|unchanged)-(\d{1,10})$")


def _said(code: str) -> str | None:
    found = SAID.match(code)
    if found is None:
        return None
    what, number = found.groups()
    if what == "published":
        return f"Version {number} published."
    return f"The notice has not changed: version {number} is still current."


@router.get("/console/data-map/notice")
def versions_page(
    request: Request,
    session: DbSession,
    principal: Principal = page_access(Permission.DATAMAP_READ),
) -> HTMLResponse:
    context = {
        "versions": [version_out(v) for v in reversed(versions.list_versions(session=session))],
        "can_publish": principal.can(Permission.DATAMAP_PUBLISH),
        "said": _said(request.query_params.get("said", "")),
        "errors": {},
    }
    return render(request, "notice/versions.html", context)


@router.get("/console/data-map/notice/{number}")
def version_page(
    number: Number,
    request: Request,
    session: DbSession,
    principal: Principal = page_access(Permission.DATAMAP_READ),
) -> HTMLResponse:
    version = version_detail(versions.get_version(session=session, number=number))
    return render(request, "notice/version.html", {"version": version})


@router.get("/console/data-map/notice/{old}/diff/{new}")
def diff_page(
    old: Number,
    new: Number,
    request: Request,
    session: DbSession,
    principal: Principal = page_access(Permission.DATAMAP_READ),
) -> HTMLResponse:
    changes = versions.diff_versions(session=session, old=old, new=new)
    return render(request, "notice/diff.html", {"old": old, "new": new, "changes": changes})


@router.post("/console/data-map/notice/publish")
def publish(
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    effective_on: Annotated[str, Form(max_length=20)] = "",
    principal: Principal = page_access(Permission.DATAMAP_PUBLISH),
) -> Response:
    try:
        effective = date.fromisoformat(effective_on) if effective_on else None
    except ValueError as exc:
        raise UsageError(
            f"{effective_on!r} is not a date", fix="give the day it takes effect, e.g. 2026-04-01"
        ) from exc
    result = versions.publish(
        session=session,
        clock=runtime.clock,
        loaded=loaded,
        actor=principal.actor,
        effective_on=effective,
    )
    said = "published" if result.created else "unchanged"
    return redirect(f"{HOME}?said={said}-{result.version.number}")
