"""create_app(): the web service over the same services as the CLI."""

from __future__ import annotations

import importlib

from fastapi import FastAPI, Request
from sqlalchemy import text

from dataward import __version__, domains
from dataward.core import migrate
from dataward.core.docs import install_docs
from dataward.core.runtime import Runtime
from dataward.core.web import (
    bearer_token_matches,
    install_error_handler,
    install_security_headers,
)


def create_app(runtime: Runtime) -> FastAPI:
    # FastAPI's own /docs and /redoc load their scripts from a CDN: never those; ours are
    # served from the package when DATAWARD_DOCS is on.
    app = FastAPI(
        title="Dataward",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    install_error_handler(app)
    install_security_headers(app)
    if runtime.settings.docs:
        install_docs(app)

    @app.get("/health")
    def health(request: Request) -> dict[str, object]:
        """Up and database reachable; the details only for the DATAWARD_HEALTH_TOKEN bearer."""
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        token = runtime.settings.health_token
        if not bearer_token_matches(request, token.get_secret_value() if token else None):
            return {"status": "ok"}
        return {
            "status": "ok",
            "version": __version__,
            "database": runtime.engine.dialect.name,
            "revision": migrate.current_revision(runtime.engine),
        }

    # Each domain's JSON API and HTML pages, where it has them, from the one list of domains.
    for domain in domains.DOMAINS:
        if domain.api:
            app.include_router(importlib.import_module(domain.api).router, prefix="/api/v1")
        if domain.pages:
            app.include_router(importlib.import_module(domain.pages).router)
    return app
