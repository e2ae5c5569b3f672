"""Security headers on every response, and what tells a request came over HTTPS."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

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
    if request.url.scheme == "https":
        return True
    if trust_proxy:
        forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        return forwarded == "https"
    return False


def install_security_headers(app: FastAPI) -> None:
    """On every response, errors included. Behind HTTPS (uvicorn with a certificate, or a
    trusted TLS proxy) browsers also get HSTS."""

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        runtime: Runtime | None = getattr(request.app.state, "runtime", None)
        trust = bool(runtime and runtime.settings.trust_proxy)
        if is_https(request, trust_proxy=trust):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if request.url.path.startswith("/console"):
            # Staff pages hold personal data: never kept by a shared browser or proxy.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def bearer_token_matches(request: Request, expected: str | None) -> bool:
    """True when the request carries `Authorization: Bearer <expected>` (compared in constant
    time); never true when no token is configured."""
    if not expected:
        return False
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())
