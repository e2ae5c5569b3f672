"""create_app(): the web service over the same services as the CLI."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import text

from dataward import __version__
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

    return app
