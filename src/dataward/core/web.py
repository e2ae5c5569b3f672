"""Web plumbing: one JSON error shape for domain errors, security headers, health."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from dataward.core.errors import DatawardError, PolicyError


def error_body(exc: DatawardError) -> dict[str, object]:
    body: dict[str, object] = {"type": type(exc).__name__, "message": exc.message}
    if exc.fix:
        body["fix"] = exc.fix
    if isinstance(exc, PolicyError):
        body["problems"] = [str(p) for p in exc.problems]
    return {"error": body}


def install_error_handler(app: FastAPI) -> None:
    async def on_domain_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DatawardError)
        return JSONResponse(error_body(exc), status_code=exc.status_code)

    app.add_exception_handler(DatawardError, on_domain_error)


# No inline script or style anywhere (STYLE.md), so the policy can be this strict.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def install_security_headers(app: FastAPI) -> None:
    """On every response, errors included. HTTPS-ready: behind a TLS proxy (or uvicorn with a
    certificate) browsers also get HSTS."""

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
        if request.url.scheme == "https":
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
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
