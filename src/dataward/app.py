"""create_app(): the web service over the same services as the CLI."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from dataward import __version__, domains
from dataward.accounts.guard import public
from dataward.core import migrate
from dataward.core.browser import install_browser_state
from dataward.core.docs import install_docs
from dataward.core.runtime import Runtime
from dataward.core.signing import secret_key
from dataward.core.web import (
    bearer_token_matches,
    install_error_handler,
    install_security_headers,
)

STATIC = Path(__file__).resolve().parent / "static"


def _function(name: str) -> Callable[..., object]:
    module, _, attribute = name.partition(":")
    found: Callable[..., object] = getattr(importlib.import_module(module), attribute)
    return found


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
    secret_key(runtime.settings)  # production refuses to start without one
    app.state.nav = domains.nav_links()
    app.state.panels = tuple(_function(name) for name in domains.panel_names())
    install_error_handler(app)
    # Added last, the headers wrap everything: a refused form gets them too.
    install_browser_state(app, runtime)
    install_security_headers(app)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if runtime.settings.docs:
        install_docs(app)

    @app.get("/health", dependencies=[public()])
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
        for module in domains.page_modules(domain):
            app.include_router(importlib.import_module(module).router)
    return app
