"""The published privacy notice, as a public page of the privacy centre."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dataward.core.clock import today
from dataward.core.errors import NotFound
from dataward.core.web import DbSession, RuntimeDep, public, render
from dataward.notice import service
from dataward.notice.render import render_notice_parts

router = APIRouter(include_in_schema=False)


@router.get("/notice", dependencies=[public()])
def notice_page(request: Request, session: DbSession, runtime: RuntimeDep) -> HTMLResponse:
    """The version in effect today, as published (from its stored structure)."""
    version = service.latest_version(session=session, on=today(runtime.clock))
    if version is None:
        raise NotFound(
            "no privacy notice has been published yet",
            fix="ask the business for its privacy notice; staff publish it with"
            " `dataward notice publish`",
        )
    contents, sections = render_notice_parts(service.notice_of(version))
    return render(
        request,
        "notice/public/notice.html",
        {"version": version, "contents": contents, "sections": sections},
    )
