"""Web plumbing: the request's transaction, templates, the one error handler per interface
(JSON under /api/, an HTML page elsewhere), access rules and the console's panels; the security
headers (core/headers.py) are re-exported here, where routes look for them.

Core knows no domain: the navigation and the principal reach templates through the app's
state and the request's state, which `app.py` and the accounts guard fill in.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Protocol
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request, Response, params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from dataward.core.crypto import Keyring
from dataward.core.errors import DatawardError, NotAuthenticated, PolicyError
from dataward.core.headers import CONTENT_SECURITY_POLICY as CONTENT_SECURITY_POLICY
from dataward.core.headers import PERMISSIONS_POLICY as PERMISSIONS_POLICY
from dataward.core.headers import bearer_token_matches as bearer_token_matches
from dataward.core.headers import install_security_headers as install_security_headers
from dataward.core.headers import is_https as is_https
from dataward.core.nul import RefuseNul
from dataward.core.runtime import Runtime

log = logging.getLogger("dataward.web")
PACKAGE = Path(__file__).resolve().parent.parent
API_PREFIX = "/api/"
SIGN_IN = "/console/sign-in"
# request.state keys of the flash messages (core/browser.py carries them in a signed cookie).
FLASH_IN, FLASH_OUT, FLASH_SHOWN = "flash_in", "flash_out", "flash_shown"
FLASH_KINDS = ("ok", "error", "info")


# --- the request's boundary ------------------------------------------------------------------


# The dependencies that only read the app's state are `async def`: FastAPI runs a plain `def`
# dependency in a worker thread, a hop there and back for a getattr.
async def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


async def _transaction(runtime: RuntimeDep) -> AsyncIterator[Session]:
    # The boundary rule: one transaction per request, committed before the answer leaves
    # (scope="function"), so a failed commit is an error page rather than a false success;
    # then the audit log's end-of-boundary work (sealing) runs, as after a CLI command.
    # Making the session touches no database (it connects at its first query), so it is made
    # here; the commit or rollback and the boundary's work run in one worker thread.
    manager = runtime.transaction()
    session = manager.__enter__()
    try:
        yield session
    except BaseException as exc:
        await run_in_threadpool(manager.__exit__, type(exc), exc, exc.__traceback__)
        raise
    await run_in_threadpool(_commit_and_end, runtime, manager)


def _commit_and_end(runtime: Runtime, manager: AbstractContextManager[Session]) -> None:
    manager.__exit__(None, None, None)
    try:
        runtime.end_boundary()
    except DatawardError as exc:  # what was committed stays; the answer need not fail
        log.warning("end of request: %s", exc)


DbSession = Annotated[Session, Depends(_transaction, scope="function")]


async def _keyring(request: Request) -> Keyring:
    # One per app: it keeps the index key once read, instead of reading it every request.
    state = request.app.state
    keyring: Keyring | None = getattr(state, "keyring", None)
    if keyring is None:
        runtime: Runtime = state.runtime  # the master key file is read once, in a thread
        keyring = await run_in_threadpool(Keyring.from_settings, runtime.settings)
        state.keyring = keyring
    return keyring


KeyringDep = Annotated[Keyring, Depends(_keyring)]


# --- access rules ----------------------------------------------------------------------------
# The rule a route declares is attached to its dependency, so that the authorisation matrix
# test can read every route's rule from the route table. The accounts guard makes the "api" and
# "page" rules; "public" is here so that core's own routes (/health, /docs) can declare it.


@dataclass(frozen=True)
class AccessRule:
    interface: Literal["api", "page", "public"]
    permission: str | None = None  # None: any signed-in account


RULE = "dataward_access_rule"
# A refusal by a route's access rule (not by a business rule deeper down, which may also be a
# 403) says so in this header, so that the authorisation matrix can tell the two apart.
REFUSED_HEADER = "X-Dataward-Refused"
BY_RULE = "refused_by_access_rule"


def refused_by_rule(error: DatawardError) -> DatawardError:
    """Mark an error as the access rule's refusal (the answer carries REFUSED_HEADER)."""
    setattr(error, BY_RULE, True)
    return error


def ruled(rule: AccessRule, call: Callable[..., Any]) -> Callable[..., Any]:
    setattr(call, RULE, rule)
    return call


def _public() -> None:
    """Anyone may ask."""


ruled(AccessRule("public"), _public)


def public() -> params.Depends:
    """For `dependencies=[public()]`: this route needs no account."""
    return params.Depends(_public)


# --- templates -------------------------------------------------------------------------------


class Navigable(Protocol):
    """What the console navigation needs of a link (domains.NavLink)."""

    label: str
    url: str
    permission: str


class Permitting(Protocol):
    def can(self, permission: Any) -> bool: ...


@dataclass(frozen=True)
class Panel:
    """One box on the console dashboard: a title and the template that fills it."""

    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


def template_folders() -> list[Path]:
    """Every domain's `templates/` folder, then the package's shared one."""
    found = sorted(p for p in PACKAGE.glob("*/templates") if p.is_dir())
    return [*found, PACKAGE / "templates"]


@pass_context
def _csrf_field(context: Context) -> Markup:
    token = context.get("csrf_token", "")
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token)


def sentence(text: object) -> str:
    """A message as a sentence: its first letter a capital, the rest as written (names and
    references keep their case, unlike Jinja's `capitalize`)."""
    value = str(text)
    return value[:1].upper() + value[1:]


@lru_cache(maxsize=1)
def templates() -> Environment:
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(folder)) for folder in template_folders()]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["csrf_field"] = _csrf_field
    environment.filters["sentence"] = sentence
    return environment


def _visible_nav(request: Request, principal: Permitting | None) -> list[Navigable]:
    links: Sequence[Navigable] = getattr(request.app.state, "nav", ())
    if principal is None:
        return []
    return [link for link in links if principal.can(link.permission)]


def flash(request: Request, text: str, *, kind: str = "ok") -> None:
    """A message for the next page this browser sees (after a POST, the page it is sent to
    by the 303): "Request DW-12 approved". Shown once, in the layout, then forgotten."""
    if kind not in FLASH_KINDS:
        raise ValueError(f"a flash message is one of {FLASH_KINDS}, not {kind!r}")
    pending: list[dict[str, str]] = getattr(request.state, FLASH_OUT, None) or []
    pending.append({"text": text[:300], "kind": kind})
    setattr(request.state, FLASH_OUT, pending[-5:])


def _page_context(request: Request, context: Mapping[str, Any] | None) -> dict[str, Any]:
    principal = getattr(request.state, "principal", None)
    return {
        "request": request,
        "principal": principal,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "nav": _visible_nav(request, principal),
        **(context or {}),
    }


def _flashes(request: Request) -> list[dict[str, str]]:
    shown: list[dict[str, str]] = getattr(request.state, FLASH_IN, None) or []
    if shown:
        setattr(request.state, FLASH_SHOWN, True)
    return shown


def render_fragment(
    request: Request, template: str, context: Mapping[str, Any] | None = None
) -> Markup:
    """A piece of a page (a dashboard panel, an htmx swap), with the same context as render."""
    return Markup(templates().get_template(template).render(_page_context(request, context)))


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A page: the template with `request`, `principal`, `csrf_token` and the navigation."""
    values = {"flashes": _flashes(request), **_page_context(request, context)}
    html = templates().get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    """303 See Other: after a POST, the browser GETs the next page."""
    return RedirectResponse(url, status_code=303)


def safe_next(url: str | None, default: str = "/console") -> str:
    """A local path to go back to after signing in; anything else (another site) is refused."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return default
    return url


# --- one error handler per interface ---------------------------------------------------------


def error_body(exc: DatawardError) -> dict[str, object]:
    body: dict[str, object] = {"type": type(exc).__name__, "message": exc.message}
    if exc.fix:
        body["fix"] = exc.fix
    if isinstance(exc, PolicyError):
        body["problems"] = [str(p) for p in exc.problems]
    return {"error": body}


# Starlette's own errors (no such route, wrong method) in the same words as ours.
_HTTP_ERRORS = {
    401: ("NotAuthenticated", "sign in or send an API token", None),
    403: ("Forbidden", "this account may not do that", "ask an administrator for access"),
    404: ("NotFound", "there is nothing at this address", "check the address"),
    405: ("MethodNotAllowed", "this address does not accept that method", None),
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def error_response(request: Request, exc: DatawardError) -> Response:
    """The answer for a domain error: the JSON shape under /api/, a page elsewhere."""
    response = _error_answer(request, exc)
    if getattr(exc, BY_RULE, False):
        response.headers[REFUSED_HEADER] = "access-rule"
    return response


def _error_answer(request: Request, exc: DatawardError) -> Response:
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
        return JSONResponse(error_body(exc), status_code=exc.status_code, headers=headers)
    if isinstance(exc, NotAuthenticated) and request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return redirect(f"{SIGN_IN}?next={quote(target, safe='/')}")
    context: dict[str, Any] = {"message": exc.message, "fix": exc.fix, "status": exc.status_code}
    if isinstance(exc, PolicyError):
        context["problems"] = [str(p) for p in exc.problems]
    return render(request, "error.html", context, status_code=exc.status_code)


def named_error(name: str, status: int, message: str, *, fix: str | None) -> DatawardError:
    """An error in the one shape for what is not a domain error (no route, a bad field)."""
    kind = type(name, (DatawardError,), {"status_code": status})
    error: DatawardError = kind(message, fix=fix)
    return error


def _http_error(status: int, detail: str | None) -> DatawardError:
    name, message, fix = _HTTP_ERRORS.get(
        status, ("HTTPError", detail or "the request failed", None)
    )
    return named_error(name, status, message, fix=fix)


def install_error_handler(app: FastAPI) -> None:
    async def on_domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DatawardError)
        return error_response(request, exc)

    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        response = error_response(request, _http_error(exc.status_code, exc.detail))
        for name, value in (exc.headers or {}).items():
            response.headers.setdefault(name, value)
        return response

    async def on_invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
            problems.append(f"{where}: {error.get('msg', 'not valid')}")
        message = "the request is not valid: " + "; ".join(problems)[:500]
        error = named_error(
            "UsageError", 422, message, fix="correct the fields named and send it again"
        )
        return error_response(request, error)

    async def on_bug(request: Request, exc: Exception) -> Response:
        # The traceback goes to the log, never to the client.
        log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        error = named_error(
            "InternalError",
            500,
            "something went wrong on our side",
            fix="try again; if it persists, tell the operator",
        )
        try:
            return error_response(request, error)
        except Exception:  # the error page itself failed: plain text, still no detail
            return Response("Internal error", status_code=500, media_type="text/plain")

    # A NUL in an address or a JSON or form body is refused before it reaches a query.
    app.add_middleware(RefuseNul, answer=error_response)

    app.add_exception_handler(DatawardError, on_domain_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.add_exception_handler(Exception, on_bug)
