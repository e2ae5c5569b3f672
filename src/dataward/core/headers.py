"""Security headers on every response, and what tells a request came over HTTPS."""

from __future__ import annotations

import hmac

from fastapi import FastAPI, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dataward.core.runtime import Runtime

# No inline script or style anywhere (STYLE.md), so the policy can be this strict.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def is_https(request: Request, *, trust_proxy: bool) -> bool:
    """HTTPS as the browser sees it: the socket's scheme, or behind a TLS proxy that we were
    told to trust (DATAWARD_TRUST_PROXY), the proxy's X-Forwarded-Proto."""
    return _https(request.scope, trust_proxy=trust_proxy)


_ALWAYS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", PERMISSIONS_POLICY.encode()),
)
_HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
_NO_STORE = (b"cache-control", b"no-store")


def _https(scope: Scope, *, trust_proxy: bool) -> bool:
    """is_https() of the scope itself, for the middleware that has no Request to ask."""
    if scope.get("scheme", "http") == "https":
        return True
    if trust_proxy:
        for name, value in scope.get("headers", ()):
            if name == b"x-forwarded-proto":
                forwarded = str(value.decode("latin-1")).split(",")[0].strip().lower()
                return forwarded == "https"
    return False


class SecurityHeaders:
    """Pure ASGI middleware: the headers are added to the response's start message as it
    passes (a header the route set itself is kept). Unlike `@app.middleware("http")`, it does
    not run the app in a task of its own and copy every message across a stream."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = list(_ALWAYS)
        runtime: Runtime | None = getattr(scope["app"].state, "runtime", None)
        if _https(scope, trust_proxy=bool(runtime and runtime.settings.trust_proxy)):
            extra.append(_HSTS)
        if scope["path"].startswith("/console"):
            # Staff pages hold personal data: never kept by a shared browser or proxy.
            extra.append(_NO_STORE)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: FastAPI) -> None:
    """On every response, errors included. Behind HTTPS (uvicorn with a certificate, or a
    trusted TLS proxy) browsers also get HSTS."""
    app.add_middleware(SecurityHeaders)


def bearer_token_matches(request: Request, expected: str | None) -> bool:
    """True when the request carries `Authorization: Bearer <expected>` (compared in constant
    time); never true when no token is configured."""
    if not expected:
        return False
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())
