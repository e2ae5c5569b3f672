"""The console's retention pages: runs and their evidence, the forecast, reviews, holds.

Reading needs `retention.read`; placing or releasing a hold, resolving a review and asking for
a sweep need `retention.act`. Hold reasons and review notes are sealed staff text, shown only
to accounts that may read personal data.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.core.errors import DatawardError
from dataward.core.runtime import Runtime
from dataward.core.web import DbSession, KeyringDep, Panel, RuntimeDep, redirect, render
from dataward.policy.web import PolicyDep, served_policy
from dataward.retention import holds, overview, reviews, views
from dataward.retention.chart import forecast_svg
from dataward.retention.evidence import recent_runs
from dataward.retention.forecast import forecast
from dataward.retention.models import HoldScope
from dataward.retention.schemas import HoldIn

router = APIRouter(include_in_schema=False)
PathId = Annotated[int, Path(ge=1, le=2**31 - 1)]
FormText = Annotated[str, Form(max_length=2000)]
HOME = "/console/retention"
DIGESTS_SHOWN = 100  # per batch on the page; the API gives every one


SAID = re.compile(r"^(hold-placed|hold-released|review-resolved|sweep-queued)-(\d{1,10})$")


def said(code: str) -> str | None:
    """What the last action did, from the redirect's `said` (never text from the address)."""
    found = SAID.match(code)
    if found is None:
        return None
    what, number = found.groups()
    return {
        "hold-placed": f"Legal hold {number} placed.",
        "hold-released": f"Legal hold {number} released.",
        "review-resolved": f"Review task {number} resolved.",
        "sweep-queued": f"Sweep queued as job {number}: its run appears below once it starts.",
    }[what]


def _page(
    request: Request,
    session: Session,
    runtime: Runtime,
    keyring: KeyringDep,
    principal: Principal,
    *,
    hold_form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    personal = principal.can(Permission.PERSONAL_DATA_READ)
    keyring.attach(session)
    context = {
        "runs": [views.run_out(r) for r in recent_runs(session=session, limit=20)],
        "holds": [
            views.hold_out(h, keyring=keyring, clock=runtime.clock, personal=personal)
            for h in holds.list_holds(session=session)
        ],
        "reviews": [
            views.review_out(t, keyring=keyring, personal=personal)
            for t in reviews.list_reviews(session=session)
        ],
        "can_act": principal.can(Permission.RETENTION_ACT),
        "personal": personal,
        "scopes": [s.value for s in HoldScope],
        "form": hold_form or {"scope": HoldScope.PERSON.value},
        "errors": errors or {},
        "said": said(request.query_params.get("said", "")),
    }
    return render(request, "retention/retention.html", context, status_code=status_code)


@router.get("/console/retention")
def retention_page(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    principal: Principal = page_access(Permission.RETENTION_READ),
) -> HTMLResponse:
    return _page(request, session, runtime, keyring, principal)


@router.get("/console/retention/runs/{run_id}")
def run_page(
    run_id: PathId,
    request: Request,
    session: DbSession,
    principal: Principal = page_access(Permission.RETENTION_READ),
) -> HTMLResponse:
    run = views.run_detail(session=session, run=overview.get_run(session=session, run_id=run_id))
    return render(request, "retention/run.html", {"run": run, "shown": DIGESTS_SHOWN})


@router.get("/console/retention/forecast")
def forecast_page(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    principal: Principal = page_access(Permission.RETENTION_READ),
) -> HTMLResponse:
    result = forecast(session=session, loaded=loaded, clock=runtime.clock)
    total = sum(result.totals()) + sum(r.due_now for r in result.rows)
    description = (
        f"{total:,} records are due to go or come up for review over the next "
        f"{len(result.months)} months, by rule and month; the table below gives the numbers."
    )
    # The chart escapes every text it draws (rule names come from the policy).
    chart = Markup(forecast_svg(result, description=description))
    context = {"forecast": views.forecast_out(result), "chart": chart, "description": description}
    return render(request, "retention/forecast.html", context)


@router.post("/console/retention/holds", response_model=None)
def place_hold(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    scope: FormText = "",
    reason: FormText = "",
    review_on: FormText = "",
    email: FormText = "",
    phone: FormText = "",
    system: FormText = "",
    collection: FormText = "",
    key: FormText = "",
    principal: Principal = page_access(Permission.RETENTION_ACT),
) -> Response:
    form = {
        "scope": scope,
        "reason": reason,
        "review_on": review_on,
        "email": email,
        "phone": phone,
        "system": system,
        "collection": collection,
        "key": key,
    }
    errors = _hold_errors(form)
    if not errors:
        try:
            body = HoldIn(
                scope=HoldScope(scope),
                reason=reason,
                review_on=date.fromisoformat(review_on) if review_on else None,
                email=email.strip() or None,
                phone=phone.strip() or None,
                system=system.strip() or None,
                collection=collection.strip() or None,
                key=key.strip() or None,
            )
            policy = None if body.scope == HoldScope.PERSON else served_policy(runtime)
            with session.begin_nested():
                hold = views.place_hold(
                    session=session,
                    keyring=keyring,
                    clock=runtime.clock,
                    policy=policy.policy if policy else None,
                    actor=principal.actor,
                    hold=body,
                )
        except (DatawardError, ValidationError) as exc:
            errors["form"] = exc.message if isinstance(exc, DatawardError) else _first(exc)
        else:
            return redirect(f"{HOME}?said=hold-placed-{hold.id}#holds")
    return _page(
        request,
        session,
        runtime,
        keyring,
        principal,
        hold_form=form,
        errors=errors,
        status_code=422,
    )


def _first(exc: ValidationError) -> str:
    error = exc.errors()[0]
    return f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"


def _hold_errors(form: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if form["scope"] not in {s.value for s in HoldScope}:
        errors["scope"] = "Choose what to hold: a person, a record or a collection."
    if not form["reason"].strip():
        errors["reason"] = "Say why it is held, e.g. the claim's reference."
    if form["review_on"]:
        try:
            date.fromisoformat(form["review_on"])
        except ValueError:
            errors["review_on"] = "Give the review date as a date, e.g. 2027-03-31."
    if form["scope"] == HoldScope.PERSON and not (form["email"].strip() or form["phone"].strip()):
        errors["email"] = "Give the person's email address or phone number."
    if form["scope"] in (HoldScope.RECORD, HoldScope.COLLECTION):
        if not form["system"].strip():
            errors["system"] = "Name the system."
        if not form["collection"].strip():
            errors["collection"] = "Name the collection."
    if form["scope"] == HoldScope.RECORD and not form["key"].strip():
        errors["key"] = "Give the record's key."
    return errors


@router.post("/console/retention/holds/{hold_id}/release", response_model=None)
def release_hold(
    hold_id: PathId,
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    reason: FormText = "",
    principal: Principal = page_access(Permission.RETENTION_ACT),
) -> Response:
    try:
        with session.begin_nested():
            holds.release_hold(
                session=session,
                keyring=keyring,
                clock=runtime.clock,
                actor=principal.actor,
                hold_id=hold_id,
                reason=views.checked_note(reason or " "),
            )
    except DatawardError as exc:
        errors = {f"release-{hold_id}": exc.message}
        return _page(request, session, runtime, keyring, principal, errors=errors, status_code=422)
    return redirect(f"{HOME}?said=hold-released-{hold_id}#holds")


@router.post("/console/retention/reviews/{task_id}/resolve", response_model=None)
def resolve_review(
    task_id: PathId,
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    note: FormText = "",
    principal: Principal = page_access(Permission.RETENTION_ACT),
) -> Response:
    try:
        with session.begin_nested():
            reviews.resolve_review(
                session=session,
                keyring=keyring,
                clock=runtime.clock,
                actor=principal.actor,
                task_id=task_id,
                resolution=views.checked_note(note or " "),
            )
    except DatawardError as exc:
        errors = {f"note-{task_id}": exc.message}
        return _page(request, session, runtime, keyring, principal, errors=errors, status_code=422)
    return redirect(f"{HOME}?said=review-resolved-{task_id}#reviews")


@router.post("/console/retention/sweep")
def sweep_now(
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    principal: Principal = page_access(Permission.RETENTION_ACT),
) -> Response:
    job = overview.queue_sweep(
        session=session, clock=runtime.clock, loaded=loaded, actor=principal.actor
    )
    return redirect(f"{HOME}?said=sweep-queued-{job.id}#runs")


def dashboard_panel(*, session: Session, runtime: Runtime, principal: Principal) -> Panel | None:
    """The last run and what it deleted, open review tasks, holds and their reviews due."""
    if not principal.can(Permission.RETENTION_READ):
        return None
    figures = overview.figures(session=session, clock=runtime.clock)
    return Panel("Retention", "retention/panel.html", {"figures": figures})
