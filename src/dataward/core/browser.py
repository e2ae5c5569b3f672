"""What the web app keeps in a browser: the CSRF secret and the console session cookie.

The CSRF defence is a signed double submit: the browser holds a random secret in a cookie,
and every form carries an HMAC of it under the server's secret key. Another site can make the
browser send the cookie, but cannot read it, nor compute the HMAC without the key.

A pure ASGI middleware rather than a route dependency, so that every unsafe request is
checked, including routes added by domains that never heard of it; and so that it can read
the form body and hand the same bytes on to the route.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dataward.core.errors import DatawardError
from dataward.core.runtime import Runtime
from dataward.core.signing import secret_key
from dataward.core.web import API_PREFIX, error_response, is_https

CSRF_COOKIE = "dataward_csrf"
SESSION_COOKIE = "dataward_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# A form is read whole to find its token; past this it is refused rather than buffered.
LARGEST_FORM = 64 * 1024 * 1024
# request.state keys: the guard and sign-in pages set the session cookie through these.
SET_SESSION = "set_session_cookie"  # str: the new value; None: sign out


class CsrfRefused(DatawardError):
    status_code = 403


def csrf_token_for(key: str, secret: str) -> str:
    return hmac.new(key.encode(), b"csrf\x00" + secret.encode(), hashlib.sha256).hexdigest()


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is ignored, not fatal
                continue
    return {name: morsel.value for name, morsel in jar.items()}


def _header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return str(value.decode("latin-1"))
    return ""


def _cookie_header(name: str, value: str, *, secure: bool, max_age: int | None) -> str:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


class BrowserState:
    """ASGI middleware: issue the CSRF cookie, check tokens, write the session cookie."""

    def __init__(self, app: ASGIApp, *, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        key = secret_key(self.runtime.settings)
        cookies = _cookies(scope)
        secret = cookies.get(CSRF_COOKIE, "")
        fresh = not (
            32 <= len(secret) <= 128 and secret.replace("-", "").replace("_", "").isalnum()
        )
        if fresh:
            secret = secrets.token_urlsafe(32)
        state: dict[str, Any] = scope.setdefault("state", {})
        token = csrf_token_for(key, secret)
        state["csrf_token"] = token
        state["session_cookie"] = cookies.get(SESSION_COOKIE)
        request = Request(scope)
        secure = is_https(request, trust_proxy=self.runtime.settings.trust_proxy)

        if scope["method"] not in SAFE_METHODS and self._needs_check(scope, cookies):
            body, receive = await _buffered(receive)
            if body is None or not hmac.compare_digest(_sent_token(scope, body), token):
                refused = CsrfRefused(
                    "this form has expired or did not come from this site",
                    fix="go back, reload the page and send it again",
                )
                response = error_response(Request(scope), refused)
                await self._reply(response, scope, receive, send)
                return

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if fresh:
                    headers.append(
                        "set-cookie",
                        _cookie_header(CSRF_COOKIE, secret, secure=secure, max_age=None),
                    )
                if SET_SESSION in state:
                    value = state[SET_SESSION]
                    headers.append(
                        "set-cookie",
                        _cookie_header(SESSION_COOKIE, value, secure=secure, max_age=None)
                        if value
                        else _cookie_header(SESSION_COOKIE, "", secure=secure, max_age=0),
                    )
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    @staticmethod
    def _needs_check(scope: Scope, cookies: dict[str, str]) -> bool:
        if not str(scope["path"]).startswith(API_PREFIX):
            return True
        # The API with a bearer token is not a browser's ambient credential; with the console
        # cookie it is, so the page's script must send the token in a header.
        authorization = _header(scope, b"authorization").lower()
        return SESSION_COOKIE in cookies and not authorization.startswith("bearer ")

    @staticmethod
    async def _reply(response: Any, scope: Scope, receive: Receive, send: Send) -> None:
        await response(scope, receive, send)


async def _buffered(receive: Receive) -> tuple[bytes | None, Receive]:
    """The whole body (None past LARGEST_FORM), and a receive that plays it again."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > LARGEST_FORM:
            return None, receive
        chunks.append(chunk)
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _sent_token(scope: Scope, body: bytes) -> str:
    header = _header(scope, CSRF_HEADER.encode())
    if header:
        return header
    content_type = _header(scope, b"content-type").lower()
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), max_num_fields=10_000).get(CSRF_FIELD, [""])
        return values[0]
    if content_type.startswith("multipart/form-data"):
        return _multipart_field(content_type, body, CSRF_FIELD)
    return ""


def _multipart_field(content_type: str, body: bytes, name: str) -> str:
    """One small text field of a multipart form, without parsing the files around it."""
    boundary = ""
    for part in content_type.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "boundary":
            boundary = value.strip('"')
    if not boundary:
        return ""
    marker = f'name="{name}"'.encode()
    for section in body.split(b"--" + boundary.encode()):
        head, _, content = section.partition(b"\r\n\r\n")
        if marker in head and b"filename=" not in head:
            return content.rstrip(b"\r\n").decode("latin-1")[:256]
    return ""


def install_browser_state(app: FastAPI, runtime: Runtime) -> None:
    app.add_middleware(BrowserState, runtime=runtime)
