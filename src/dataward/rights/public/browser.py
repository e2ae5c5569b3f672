"""What the privacy centre keeps in a person's browser, and what it checks on every form.

Cookies are signed (core.signing), short-lived and bound to one thing: the status cookie to
one reference, the details cookie to one proof. Every public form counts against limits per
IP address and per email address (core.ratelimit), and carries a honeypot field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from dataward.core import ratelimit
from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.errors import DatawardError, UsageError
from dataward.core.signing import sign, unsign
from dataward.core.web import is_https, render
from dataward.rights.public.proofs import PROOF_LASTS
from dataward.rights.public.site import site

STATUS = ("dataward_request", "rights-public-status")
DETAILS = ("dataward_details", "rights-public-details")
# Which request or proof the next code is for, so the code form can be filled in for them.
PENDING = ("dataward_pending", "rights-public-pending")
LASTS_SECONDS = int(PROOF_LASTS.total_seconds())

# The field bots fill and people never see (hidden by the stylesheet, skipped by keyboard).
HONEYPOT = "website"
# Per hour: enough for a person who mistypes a few times; too few to probe or flood.
PER_IP = 30
PER_EMAIL = 5
WINDOW_SECONDS = 3600


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limit(
    session: Session, clock: Clock, request: Request, *, form: str, email: str | None = None
) -> None:
    """Count this submission; TooManyRequests (a 429 page) once a limit is passed."""
    ratelimit.hit(
        session,
        key=f"privacy-centre:{form}:ip:{client_address(request)}",
        limit=PER_IP,
        per_seconds=WINDOW_SECONDS,
        clock=clock,
    )
    if email and email.strip():
        ratelimit.hit(
            session,
            key=f"privacy-centre:{form}:email:{email.strip().lower()}",
            limit=PER_EMAIL,
            per_seconds=WINDOW_SECONDS,
            clock=clock,
        )


def put(
    response: Response,
    request: Request,
    settings: Settings,
    which: tuple[str, str],
    payload: Any,
) -> None:
    name, salt = which
    response.set_cookie(
        name,
        sign(settings, salt=salt, payload=payload),
        max_age=LASTS_SECONDS,
        path="/",
        httponly=True,
        secure=is_https(request, trust_proxy=settings.trust_proxy),
        samesite="strict",
    )


def read(request: Request, settings: Settings, which: tuple[str, str]) -> dict[str, Any] | None:
    """The cookie's payload, or None when absent, altered, expired or of another shape."""
    name, salt = which
    token = request.cookies.get(name)
    if not token:
        return None
    try:
        payload = unsign(settings, salt=salt, token=token, max_age_seconds=LASTS_SECONDS)
    except UsageError:
        return None
    return payload if isinstance(payload, dict) else None


def drop(response: Response, which: tuple[str, str]) -> None:
    response.delete_cookie(which[0], path="/")


def page(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A privacy centre page, headed with the business's name."""
    try:
        organisation: str | None = site(request.app.state.runtime).organisation
    except DatawardError:  # no policy configured: the page says so where it matters
        organisation = None
    return render(
        request,
        template,
        {"organisation": organisation, **(context or {})},
        status_code=status_code,
    )
