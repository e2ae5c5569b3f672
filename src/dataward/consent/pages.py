"""Pages: one-click unsubscribe (public), and the console's consent ledger."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.accounts.guard import Principal, page_access, public
from dataward.accounts.roles import Permission
from dataward.consent import ledger, preferences, recording, unsubscribe
from dataward.consent.ledger import LedgerAction
from dataward.consent.models import ConsentEvent
from dataward.core.errors import NotFound, UsageError
from dataward.core.runtime import Runtime
from dataward.core.web import DbSession, KeyringDep, Panel, RuntimeDep, redirect, render
from dataward.people import service as people

router = APIRouter(include_in_schema=False)
ONE_CLICK = "List-Unsubscribe=One-Click"


@router.get("/unsubscribe/{token}", dependencies=[public()])
def unsubscribe_page(
    request: Request, token: str, runtime: RuntimeDep, done: bool = False
) -> HTMLResponse:
    link = unsubscribe.read_token(runtime.settings, token)
    return render(request, "consent/unsubscribe.html", {"link": link, "token": token, "done": done})


@router.post("/unsubscribe/{token}", dependencies=[public()], response_model=None)
async def unsubscribe_click(
    request: Request, token: str, session: DbSession, runtime: RuntimeDep, keyring: KeyringDep
) -> Response:
    """The page's button, or a mail client's RFC 8058 one-click POST: both unsubscribe."""
    outcome = unsubscribe.unsubscribe(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        settings=runtime.settings,
        token=token,
    )
    body = (await request.body())[:200].decode("latin-1")
    if ONE_CLICK in body:  # a mail client: it wants a 2xx, not a page to follow
        return render(
            request,
            "consent/unsubscribe.html",
            {"link": outcome.link, "token": token, "done": True},
        )
    return redirect(f"/unsubscribe/{token}?done=1")


def _counts(session: Session) -> list[tuple[str, dict[str, int]]]:
    rows = session.execute(
        select(ConsentEvent.purpose, ConsentEvent.action, func.count())
        .group_by(ConsentEvent.purpose, ConsentEvent.action)
        .order_by(ConsentEvent.purpose)
    )
    counts: dict[str, dict[str, int]] = {}
    for purpose, action, count in rows:
        counts.setdefault(purpose, {})[action] = count
    return sorted(counts.items())


def _ledger_page(
    request: Request, session: Session, identifier: str = "", error: str | None = None
) -> HTMLResponse:
    return render(
        request,
        "consent/ledger.html",
        {"counts": _counts(session), "identifier": identifier, "error": error},
        status_code=400 if error else 200,
    )


@router.get("/console/consent")
def ledger_page(
    request: Request,
    session: DbSession,
    principal: Principal = page_access(Permission.CONSENT_READ),
) -> HTMLResponse:
    return _ledger_page(request, session)


@router.post("/console/consent/lookup", response_model=None)
def lookup(
    request: Request,
    session: DbSession,
    keyring: KeyringDep,
    identifier: Annotated[str, Form(max_length=320)] = "",
    principal: Principal = page_access(Permission.CONSENT_READ),
) -> Response:
    """Found by email or phone, shown under the pseudonym: no address travels in a URL."""
    text = identifier.strip()
    is_email = "@" in text
    try:
        person = people.find_person(
            session=session,
            keyring=keyring,
            email=text if is_email else None,
            phone=None if is_email else text,
        )
    except UsageError as exc:
        return _ledger_page(request, session, identifier, exc.message[:1].upper() + exc.message[1:])
    if not text or person is None:
        return _ledger_page(
            request, session, identifier, "Nobody with that email or phone is held."
        )
    return redirect(f"/console/consent/people/{person.pseudonym}")


@router.get("/console/consent/people/{pseudonym}")
def person_page(
    request: Request,
    pseudonym: str,
    session: DbSession,
    keyring: KeyringDep,
    principal: Principal = page_access(Permission.CONSENT_READ),
) -> HTMLResponse:
    if len(pseudonym) > 40:
        raise NotFound("no such person")
    person = people.get_person(session=session, pseudonym=pseudonym)
    rows = ledger.history(session=session, pseudonym=pseudonym)
    details = None
    if principal.can(Permission.PERSONAL_DATA_READ) and person.wrapped_key is not None:
        details = people.reveal(session=session, keyring=keyring, person=person)
    return render(
        request,
        "consent/person.html",
        {
            "pseudonym": pseudonym,
            "details": details,
            "record": preferences.record_of(rows),
            "events": [recording.event_json(keyring, row) for row in rows],
        },
    )


def dashboard_panel(*, session: Session, runtime: Runtime, principal: Principal) -> Panel | None:
    """Those who may read the ledger see its size and the month's withdrawals."""
    if not principal.can(Permission.CONSENT_READ):
        return None
    since = runtime.clock.now() - timedelta(days=30)
    total = session.scalar(select(func.count()).select_from(ConsentEvent)) or 0
    recent = (
        session.scalar(
            select(func.count())
            .select_from(ConsentEvent)
            .where(
                ConsentEvent.recorded_at >= since,
                ConsentEvent.action.in_(
                    (LedgerAction.WITHDRAWN.value, LedgerAction.OBJECTED.value)
                ),
            )
        )
        or 0
    )
    return Panel("Consent", "consent/panel.html", {"total": total, "recent_withdrawals": recent})
