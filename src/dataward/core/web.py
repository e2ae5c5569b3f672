"""Web plumbing: one JSON error shape for domain errors, security headers, health."""

from __future__ import annotations

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


def install_security_headers(app: FastAPI) -> None:
    """HTTPS-ready: behind a TLS proxy (or uvicorn with a certificate) browsers get HSTS."""

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.url.scheme == "https":
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response
