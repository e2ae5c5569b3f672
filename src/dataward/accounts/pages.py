"""The console's front door: sign in (password, then a TOTP code where the account has one),
sign out, the dashboard every domain adds its panels to, and the accounts list.

The dashboard lives here rather than in a `console` module of its own: it is the page an
account lands on after signing in, and it needs nothing but the principal and the panels the
app was given (`app.state.panels`), so it knows no other domain.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from dataward.accounts import service
from dataward.accounts.guard import (
    Principal,
    current_user,
    end_session,
    page_access,
    public,
    start_session,
)
from dataward.accounts.roles import GRANTS, Permission
from dataward.core import ratelimit
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime
from dataward.core.signing import sign, unsign
from dataward.core.web import (
    DbSession,
    KeyringDep,
    Panel,
    RuntimeDep,
    redirect,
    render,
    render_fragment,
    safe_next,
)

router = APIRouter(include_in_schema=False)

CODE_SALT = "sign-in-code"
CODE_STEP_SECONDS = 5 * 60
REFUSED = (
    "The email address or password is not right, or the account is locked after repeated "
    "failures. Check them and try again in a few minutes, or ask an administrator."
)
# Sign-in attempts from one address, per quarter hour: beyond lockout, which guards each
# account, this slows someone trying many accounts.
ATTEMPTS_PER_ADDRESS = 30
WINDOW_SECONDS = 15 * 60
FormText = Annotated[str, Form(max_length=500)]


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/console/sign-in", dependencies=[public()])
def sign_in_form(request: Request, next: str = "/console") -> HTMLResponse:
    return render(request, "accounts/sign_in.html", {"next": safe_next(next), "email": ""})


@router.post("/console/sign-in", dependencies=[public()], response_model=None)
def sign_in(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    email: FormText = "",
    password: FormText = "",
    next: FormText = "/console",
) -> Response:
    target = safe_next(next)
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = "Enter your email address."
    if not password:
        errors["password"] = "Enter your password."
    if errors:
        context = {"next": target, "email": email, "errors": errors}
        return render(request, "accounts/sign_in.html", context, status_code=422)
    ratelimit.hit(
        session,
        key=f"sign-in:{_client(request)}",
        limit=ATTEMPTS_PER_ADDRESS,
        per_seconds=WINDOW_SECONDS,
        clock=runtime.clock,
    )
    attempt = service.authenticate(
        session=session, keyring=keyring, clock=runtime.clock, email=email, password=password
    )
    if attempt.outcome is service.SignIn.SIGNED_IN and attempt.user is not None:
        start_session(request, runtime, attempt.user)
        return redirect(target)
    if attempt.outcome is service.SignIn.NEEDS_CODE and attempt.user is not None:
        pending = sign(
            runtime.settings,
            salt=CODE_SALT,
            payload={"u": attempt.user.id, "v": attempt.user.session_version, "n": target},
        )
        return render(request, "accounts/sign_in_code.html", {"pending": pending})
    context = {"next": target, "email": email, "refused": REFUSED}
    return render(request, "accounts/sign_in.html", context, status_code=401)


@router.post("/console/sign-in/code", dependencies=[public()], response_model=None)
def sign_in_code(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    pending: FormText = "",
    code: FormText = "",
) -> Response:
    try:
        payload = unsign(
            runtime.settings, salt=CODE_SALT, token=pending, max_age_seconds=CODE_STEP_SECONDS
        )
        user_id, version, target = int(payload["u"]), int(payload["v"]), str(payload["n"])
    except (UsageError, KeyError, TypeError, ValueError):
        context: dict[str, Any] = {
            "next": "/console",
            "email": "",
            "refused": "That step expired: start again.",
        }
        return render(request, "accounts/sign_in.html", context, status_code=401)
    if not code.strip():
        context = {"pending": pending, "errors": {"code": "Enter the 6-digit code."}}
        return render(request, "accounts/sign_in_code.html", context, status_code=422)
    attempt = service.check_code(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        user_id=user_id,
        session_version=version,
        code=code,
    )
    if attempt.outcome is service.SignIn.SIGNED_IN and attempt.user is not None:
        start_session(request, runtime, attempt.user)
        return redirect(safe_next(target))
    context = {"pending": pending, "errors": {"code": "That code is not right. Try the next one."}}
    return render(request, "accounts/sign_in_code.html", context, status_code=401)


@router.post("/console/sign-out", dependencies=[public()])
def sign_out(request: Request, session: DbSession, runtime: RuntimeDep) -> RedirectResponse:
    user = current_user(request, session, runtime)
    if user is not None:
        service.sign_out(session=session, clock=runtime.clock, user=user)
    end_session(request)
    return redirect("/console/sign-in")


@router.get("/console")
def dashboard(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    principal: Principal = page_access(),
) -> HTMLResponse:
    panels: list[Markup] = []
    for make_panel in getattr(request.app.state, "panels", ()):
        panel = make_panel(session=session, runtime=runtime, principal=principal)
        if panel is not None:
            fragment = render_fragment(request, panel.template, panel.context)
            panels.append(
                render_fragment(request, "panel.html", {"panel": panel, "body": fragment})
            )
    return render(request, "accounts/dashboard.html", {"panels": panels})


@router.get("/console/users")
def users(
    request: Request,
    session: DbSession,
    keyring: KeyringDep,
    principal: Principal = page_access(Permission.USERS_MANAGE),
) -> HTMLResponse:
    accounts = service.list_users(session=session, keyring=keyring)
    roles = {role.value: sorted(GRANTS[role]) for role in GRANTS}
    return render(request, "accounts/users.html", {"accounts": accounts, "roles": roles})


def dashboard_panel(*, session: Session, runtime: Runtime, principal: Principal) -> Panel:
    """Every account sees who it is signed in as and what its role allows."""
    allowed = sorted(p.value for p in GRANTS[principal.role])
    return Panel("Your account", "accounts/account_panel.html", {"allowed": allowed})
