"""The console's suppression list (counts and a check, never the list in clear) and the age of
the TPS and CTPS files, with its dashboard panel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.consent import service, tps
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime
from dataward.core.web import DbSession, KeyringDep, Panel, RuntimeDep, redirect, render

router = APIRouter(include_in_schema=False)
PAGE = "/console/screening"


def _page(
    request: Request,
    session: Session,
    runtime: Runtime,
    *,
    identifier: str = "",
    answer: bool | None = None,
    error: str | None = None,
    added: bool = False,
) -> HTMLResponse:
    return render(
        request,
        "consent/screening.html",
        {
            "counts": service.counts(session=session),
            "lists": tps.status(session=session, clock=runtime.clock),
            "identifier": identifier,
            "answer": answer,
            "error": error,
            "added": added,
        },
        status_code=400 if error else 200,
    )


def _split(identifier: str) -> tuple[str | None, str | None]:
    text = identifier.strip()
    if not text:
        raise UsageError("type an email address or a phone number")
    return (text, None) if "@" in text else (None, text)


def _sentence(exc: UsageError) -> str:
    return exc.message[:1].upper() + exc.message[1:]


@router.get(PAGE)
def screening_page(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    added: bool = False,
    principal: Principal = page_access(Permission.CONSENT_READ),
) -> HTMLResponse:
    return _page(request, session, runtime, added=added)


@router.post(f"{PAGE}/check")
def check(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    identifier: Annotated[str, Form(max_length=320)] = "",
    principal: Principal = page_access(Permission.CONSENT_READ),
) -> HTMLResponse:
    """The answer is shown on the page the form posted to: a redirect would put the address
    in a URL (and the browser's history), and a check changes nothing to repeat."""
    try:
        email, phone = _split(identifier)
        answer = service.is_suppressed(session=session, keyring=keyring, email=email, phone=phone)
    except UsageError as exc:
        return _page(request, session, runtime, identifier=identifier, error=_sentence(exc))
    return _page(request, session, runtime, identifier=identifier, answer=answer)


@router.post(f"{PAGE}/add", response_model=None)
def add(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    identifier: Annotated[str, Form(max_length=320)] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
    principal: Principal = page_access(Permission.CONSENT_WRITE),
) -> Response:
    try:
        email, phone = _split(identifier)
        service.suppress(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            actor=principal.actor,
            email=email,
            phone=phone,
            reason=reason,
        )
    except UsageError as exc:
        return _page(request, session, runtime, identifier=identifier, error=_sentence(exc))
    return redirect(f"{PAGE}?added=1")


def dashboard_panel(*, session: Session, runtime: Runtime, principal: Principal) -> Panel | None:
    """The TPS/CTPS files' age, in red once a screening against them would be refused."""
    if not principal.can(Permission.CONSENT_READ):
        return None
    return Panel(
        "Call screening",
        "consent/screening_panel.html",
        {"lists": tps.status(session=session, clock=runtime.clock)},
    )
