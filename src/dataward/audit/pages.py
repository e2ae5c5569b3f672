"""The console's audit log: filter it, page through it by sequence, verify it now."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.audit import browse
from dataward.audit import service as audit
from dataward.audit.schemas import VerifyOut, verify_out
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime
from dataward.core.signing import sign, unsign
from dataward.core.web import DbSession, Panel, RuntimeDep, redirect, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=200)]
VERIFIED_SALT = "audit-verified"
# The result travels through the redirect, signed: nobody can show a forged "intact".
RESULT_SECONDS = 15 * 60


def _day(text: str, name: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "Give a date, e.g. 2026-03-02."
        return None


@router.get("/console/audit")
def audit_page(
    request: Request,
    session: DbSession,
    action: Text = "",
    actor: Text = "",
    object_type: Text = "",
    object_id: Text = "",
    since: Text = "",
    until: Text = "",
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    principal: Principal = page_access(Permission.AUDIT_READ),
) -> HTMLResponse:
    form = {
        "action": action,
        "actor": actor,
        "object_type": object_type,
        "object_id": object_id,
        "since": since,
        "until": until,
    }
    errors: dict[str, str] = {}
    where = audit.EventFilter(
        since=_day(since, "since", errors),
        until=_day(until, "until", errors),
        action_prefix=action.strip() or None,
        actor=actor.strip() or None,
        object_type=object_type.strip() or None,
        object_id=object_id.strip() or None,
    )
    page = browse.log_page(session=session, where=where, before=before)
    kept = {name: value for name, value in form.items() if value}
    older = None if page.older is None else "?" + urlencode({**kept, "before": page.older})
    context = {
        "form": form,
        "errors": errors,
        "page": page,
        "older": older,
        "newest": "?" + urlencode(kept) if before is not None else None,
        "status": browse.chain_status(session=session),
    }
    return render(request, "audit/log.html", context, status_code=422 if errors else 200)


@router.post("/console/audit/verify")
def verify_now(
    session: DbSession,
    runtime: RuntimeDep,
    principal: Principal = page_access(Permission.AUDIT_READ),
) -> Response:
    """Run the same verification as `dataward audit verify`, then show its result."""
    report = browse.verify_everything(session=session, settings=runtime.settings)
    browse.record_verification(
        session=session, clock=runtime.clock, actor=principal.actor, report=report
    )
    token = sign(
        runtime.settings, salt=VERIFIED_SALT, payload=verify_out(report).model_dump(mode="json")
    )
    return redirect("/console/audit/verified?" + urlencode({"result": token}))


@router.get("/console/audit/verified")
def verified_page(
    request: Request,
    runtime: RuntimeDep,
    result: Annotated[str, Query(max_length=8000)] = "",
    principal: Principal = page_access(Permission.AUDIT_READ),
) -> Response:
    try:
        payload = unsign(
            runtime.settings, salt=VERIFIED_SALT, token=result, max_age_seconds=RESULT_SECONDS
        )
        report = VerifyOut.model_validate(payload)
    except (UsageError, ValueError):
        # Expired or altered: verify again rather than show something unproven.
        return redirect("/console/audit#verify")
    return render(request, "audit/verified.html", {"report": report})


def dashboard_panel(*, session: Session, runtime: Runtime, principal: Principal) -> Panel | None:
    """The audit chain: where it ends, its last signed checkpoint, its last verification."""
    if not principal.can(Permission.AUDIT_READ):
        return None
    return Panel("Audit log", "audit/panel.html", {"status": browse.chain_status(session=session)})
