"""Console pages: the access register's report and findings, and a person's records.

A restricted collection's records are reached in three steps that work without JavaScript:
the reason form (GET), its POST, which records the view (or the refusal) and redirects with a
short-lived signed grant, then the GET that shows the records the grant names, to the account
it was given to.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dataward.access import records, report, service
from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.core.errors import Forbidden, UsageError
from dataward.core.runtime import Runtime
from dataward.core.signing import sign, unsign
from dataward.core.web import (
    DbSession,
    KeyringDep,
    Panel,
    RuntimeDep,
    error_response,
    redirect,
    render,
)
from dataward.policy.web import PolicyDep

router = APIRouter(include_in_schema=False)

GRANT_SALT = "restricted-records"
GRANT_SECONDS = 10 * 60  # the records may be reloaded for a few minutes, not kept open
Text = Annotated[str, Form(max_length=2000)]


@router.get("/console/access", response_class=HTMLResponse)
def access_page(
    request: Request,
    session: DbSession,
    keyring: KeyringDep,
    client: Annotated[str, Query(max_length=200)] = "",
    device: Annotated[str, Query(max_length=200)] = "",
    start: Annotated[str, Query(alias="from", max_length=10)] = "",
    end: Annotated[str, Query(alias="to", max_length=10)] = "",
    principal: Principal = page_access(Permission.ACCESS_READ),
) -> HTMLResponse:
    """The report form, its rows when asked, and the open findings."""
    errors: dict[str, str] = {}
    rows: list[dict[str, Any]] | None = None
    asked = bool(client or device or start or end)
    if asked:
        period = _period(start, end, errors)
        if not (client or device):
            errors["client"] = "Give a client or a device."
        if period is not None and not errors:
            named = principal.can(Permission.PERSONAL_DATA_READ)
            found = report.report_rows(
                session=session, keyring=keyring, period=period,
                client=client or None, device=device or None,
            )  # fmt: skip
            rows = [report.for_reader(row, names=named) for row in found]
    context = {
        "query": {"client": client, "device": device, "from": start, "to": end},
        "errors": errors,
        "rows": rows,
        "findings": service.open_findings(session=session, limit=50),
        "cell": report.cell_text,
    }
    return render(request, "access/access.html", context, status_code=422 if errors else 200)


def _period(start: str, end: str, errors: dict[str, str]) -> report.Period | None:
    days: list[date] = []
    for name, text in (("from", start), ("to", end)):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            errors[name] = "Give a day as YYYY-MM-DD."
    if len(days) < 2:
        return None
    if days[1] < days[0]:
        errors["to"] = "The last day is before the first."
        return None
    return report.Period(days[0], days[1])


@router.get("/console/records", response_class=HTMLResponse, response_model=None)
def records_page(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    email: Annotated[str, Query(max_length=320)] = "",
    phone: Annotated[str, Query(max_length=40)] = "",
    system: Annotated[str, Query(max_length=200)] = "",
    collection: Annotated[str, Query(max_length=200)] = "",
    grant: Annotated[str, Query(max_length=1000)] = "",
    principal: Principal = page_access(Permission.PERSONAL_DATA_READ),
) -> Response:
    """The lookup form; the reason form for a restricted collection; or the records."""
    asked = {"email": email, "phone": phone, "system": system, "collection": collection}
    context: dict[str, Any] = {"asked": asked, "errors": {}, "choices": _choices(loaded)}
    if not ((email or phone) and system and collection):
        return render(request, "access/records.html", context)
    try:
        who = records.Lookup.of(email=email, phone=phone)
    except UsageError as exc:
        context["errors"] = {"person": exc.message}
        return render(request, "access/records.html", context, status_code=422)
    records.declared(loaded, system, collection)
    roles = records.restricted_roles(loaded.policy, system, collection)
    if roles and not _granted(runtime, principal, asked, grant):
        return render(request, "access/records.html", {**context, "roles": roles, "ask": True})
    if not roles:
        records.record_view(
            session=session, clock=runtime.clock, keyring=keyring, loaded=loaded,
            actor=principal.actor, actor_name=principal.name, job_roles=principal.job_roles,
            who=who, system=system, collection=collection, reason=None,
        )  # fmt: skip
    else:
        records.record_shown(
            session=session, clock=runtime.clock, keyring=keyring, actor=principal.actor,
            who=who, system=system, collection=collection,
        )  # fmt: skip
    found = records.read_records(
        loaded=loaded, environ=records.configured_environ(runtime.settings),
        who=who, system=system, collection=collection,
    )  # fmt: skip
    shown = [records.shown(r) for r in found]
    return render(request, "access/records.html", {**context, "records": shown, "roles": roles})


@router.post("/console/records", response_model=None)
def open_restricted(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    email: Text = "",
    phone: Text = "",
    system: Text = "",
    collection: Text = "",
    reason: Text = "",
    principal: Principal = page_access(Permission.PERSONAL_DATA_READ),
) -> Response:
    """Record why this account opens a restricted collection (or that it may not), first."""
    asked = {"email": email, "phone": phone, "system": system, "collection": collection}
    try:
        decision = records.record_view(
            session=session, clock=runtime.clock, keyring=keyring, loaded=loaded,
            actor=principal.actor, actor_name=principal.name, job_roles=principal.job_roles,
            who=records.Lookup.of(email=email, phone=phone), system=system,
            collection=collection, reason=reason,
        )  # fmt: skip
    except UsageError as exc:
        context = {
            "asked": asked, "errors": {"reason": exc.message}, "ask": True, "reason": reason,
            "roles": records.restricted_roles(loaded.policy, system, collection),
            "choices": _choices(loaded),
        }  # fmt: skip
        return render(request, "access/records.html", context, status_code=422)
    if not decision.allowed:
        # Answered, not raised: the refusal just recorded must commit with the request.
        refused = Forbidden(decision.refusal, fix="ask for the job role, or ask someone who has it")
        return error_response(request, refused)
    token = sign(
        runtime.settings,
        salt=GRANT_SALT,
        payload={"p": principal.actor, **asked, "v": decision.event_id},
    )
    return redirect("/console/records?" + urlencode({**asked, "grant": token}))


def _granted(runtime: Runtime, principal: Principal, asked: dict[str, str], grant: str) -> bool:
    if not grant:
        return False
    try:
        payload = unsign(
            runtime.settings, salt=GRANT_SALT, token=grant, max_age_seconds=GRANT_SECONDS
        )
    except UsageError:
        return False
    return isinstance(payload, dict) and payload == {
        "p": principal.actor, **asked, "v": payload.get("v")
    }  # fmt: skip


def _choices(loaded: Any) -> list[tuple[str, str]]:
    return [
        (system.name, c.name)
        for system in loaded.policy.systems
        if system.dataset
        for c in system.dataset.collections
    ]


def dashboard_panel(*, session: Session, runtime: Runtime, principal: Principal) -> Panel | None:
    """Open findings of the access register, for those who read it."""
    if not principal.can(Permission.ACCESS_READ):
        return None
    count = service.count_open_findings(session=session)
    latest = service.open_findings(session=session, limit=5)
    return Panel("Privileged access", "access/panel.html", {"count": count, "latest": latest})
