"""Console pages of the breach register, and the dashboard's panel of running clocks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.breaches import clock as breach_clock
from dataward.breaches import service
from dataward.breaches.report import draft
from dataward.breaches.web import shown
from dataward.core.console import LARGEST_ID
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.core.runtime import Runtime
from dataward.core.web import DbSession, KeyringDep, Panel, RuntimeDep, redirect, render
from dataward.policy.service import LoadedPolicy
from dataward.policy.web import PolicyDep

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
BreachId = Annotated[int, Path(ge=1, le=LARGEST_ID)]
GROUNDS = {ground: ground.replace("_", " ") for g in service.DECISIONS.values() for ground in g}
KINDS = {kind: kind.replace("_", " ") for kind in service.DECISIONS}


def _list_page(
    request: Request,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    principal: Principal,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    now = runtime.clock.now()
    found = [
        shown(service.view(session=session, keyring=keyring, breach=b), principal, now)
        for b in service.list_breaches(session=session)
    ]
    context: dict[str, Any] = {
        "breaches": found,
        "errors": errors or {},
        "form": form or {},
        "may_act": principal.can(Permission.OVERSIGHT_ACT),
    }
    return render(request, "breaches/list.html", context, status_code=status_code)


@router.get("/console/breaches")
def breaches_page(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = page_access(Permission.OVERSIGHT_READ),
) -> HTMLResponse:
    return _list_page(request, session, runtime, keyring, principal)


@router.post("/console/breaches", response_model=None)
def open_breach(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    keyring: KeyringDep,
    aware: Text = "",
    summary: Text = "",
    facts: Text = "",
    people: Text = "",
    records: Text = "",
    consequences: Text = "",
    measures: Text = "",
    principal: Principal = page_access(Permission.OVERSIGHT_ACT),
) -> Response:
    form = {"aware": aware, "summary": summary, "facts": facts, "people": people,
            "records": records, "consequences": consequences, "measures": measures}  # fmt: skip
    errors: dict[str, str] = {}
    counts: dict[str, int | None] = {}
    for name, value in (("people", people), ("records", records)):
        text = value.strip().replace(",", "")
        counts[name] = int(text) if text.isdigit() and len(text) < 10 else None
        if text and counts[name] is None:
            errors[name] = "Give a whole number, or leave it empty if not yet known."
    for name, value, message in (
        ("summary", summary, "Say in one line what happened."),
        ("facts", facts, "Give the facts as known now."),
    ):
        if not value.strip():
            errors[name] = message
    moment = None
    try:
        moment = breach_clock.parse_moment(aware)[0]
    except UsageError as exc:
        errors["aware"] = str(exc)
    if not errors and moment is not None:
        try:
            breach = service.open_breach(
                session=session,
                keyring=keyring,
                clock=runtime.clock,
                loaded=loaded,
                actor=principal.actor,
                aware_at=moment,
                aware_zone="Europe/London",
                facts=service.BreachFacts(
                    summary=summary,
                    facts=facts,
                    people_count=counts["people"],
                    records_count=counts["records"],
                    consequences=consequences or None,
                    measures=measures or None,
                ),
            )
            return redirect(f"/console/breaches/{breach.id}")
        except UsageError as exc:
            errors["aware"] = str(exc)
    session.rollback()
    return _list_page(
        request, session, runtime, keyring, principal, errors=errors, form=form, status_code=422
    )


def _detail(
    request: Request,
    session: Session,
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    principal: Principal,
    breach_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = service.view(
        session=session,
        keyring=keyring,
        breach=service.get_breach(session=session, breach_id=breach_id),
    )
    now = runtime.clock.now()
    report = None
    if principal.can(Permission.PERSONAL_DATA_READ):
        report = draft(found, loaded.policy, now=now)
    context = {
        "b": shown(found, principal, now),
        "report": report,
        "kinds": KINDS,
        "grounds": {"": "the usual one for the decision", **GROUNDS},
        "errors": errors or {},
        "may_act": principal.can(Permission.OVERSIGHT_ACT),
    }
    return render(request, "breaches/detail.html", context, status_code=status_code)


@router.get("/console/breaches/{breach_id}")
def breach_page(
    request: Request,
    breach_id: BreachId,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    principal: Principal = page_access(Permission.OVERSIGHT_READ),
) -> HTMLResponse:
    return _detail(request, session, runtime, keyring, loaded, principal, breach_id)


@router.post("/console/breaches/{breach_id}/decisions", response_model=None)
def decide(
    request: Request,
    breach_id: BreachId,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    kind: Text = "",
    ground: Text = "",
    reasons: Text = "",
    late_reasons: Text = "",
    principal: Principal = page_access(Permission.OVERSIGHT_ACT),
) -> Response:
    errors: dict[str, str] = {}
    if not reasons.strip():
        errors["reasons"] = "Give the reasons for the decision."
    else:
        try:
            service.decide(
                session=session,
                keyring=keyring,
                clock=runtime.clock,
                actor=principal.actor,
                breach_id=breach_id,
                kind=kind,
                ground=ground or None,
                reasons=reasons,
                late_reasons=late_reasons or None,
            )
            return redirect(f"/console/breaches/{breach_id}")
        except UsageError as exc:
            errors["late_reasons" if "late" in exc.message else "kind"] = str(exc)
        except Conflict as exc:
            errors["kind"] = str(exc)
    session.rollback()
    return _detail(
        request,
        session,
        runtime,
        keyring,
        loaded,
        principal,
        breach_id,
        errors=errors,
        status_code=422,
    )


def dashboard_panel(*, session: Session, runtime: Runtime, principal: Principal) -> Panel | None:
    """Open clocks, soonest first, with the hours left (for those who may see the register)."""
    if not principal.can(Permission.OVERSIGHT_READ):
        return None
    now = runtime.clock.now()
    clocks = [
        {
            "id": b.id,
            "hours_left": breach_clock.hours_left(b.aware_at, now),
            "due": breach_clock.local(breach_clock.deadline(b.aware_at), b.aware_zone),
        }
        for b in service.undecided(session=session)
    ]
    return Panel("Breach clocks", "breaches/panel.html", {"clocks": clocks})
