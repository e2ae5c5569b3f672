"""create_app(): the web service over the same services as the CLI."""

from __future__ import annotations

import importlib

from fastapi import FastAPI
from sqlalchemy import text

from dataward import __version__, domains
from dataward.core import migrate
from dataward.core.runtime import Runtime
from dataward.core.web import install_error_handler, install_security_headers


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(title="Dataward", version=__version__, openapi_url="/api/v1/openapi.json")
    app.state.runtime = runtime
    install_error_handler(app)
    install_security_headers(app)

    @app.get("/health")
    def health() -> dict[str, object]:
        """Up, database reachable, schema revision."""
        with runtime.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
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
