"""Helpers for retention tests that run commands: their own Dataward database, the CLI app."""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dataward.core.db import make_engine
from dataward.domains import metadata
from dataward.retention.commands import register

# Mirrors the launcher used for subprocesses below: the retention commands on their own, so
# these tests exercise exactly them.
LAUNCHER = (
    "import typer\n"
    "from dataward.retention.commands import register\n"
    "app = typer.Typer(pretty_exceptions_enable=False)\n"
    "register(app)\n"
    "app()\n"
)


def retention_cli() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    register(app)
    return app


@contextmanager
def own_database(folder: Path) -> Iterator[str]:
    """A Dataward database with every table, for commands that open their own connections.

    SQLite in `folder`, or a scratch PostgreSQL database when DATAWARD_TEST_DATABASE_URL is
    set. The Alembic version table is created as `dataward init` would leave it, since the
    commands refuse a database that was never initialised.
    """
    server = os.environ.get("DATAWARD_TEST_DATABASE_URL")
    name = f"dw_retention_{os.getpid()}_{secrets.token_hex(4)}"
    if server:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(server).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{folder / 'dataward.db'}"
    engine = make_engine(url)
    metadata().create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        )
    engine.dispose()
    try:
        yield url
    finally:
        if server:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def dataward_environment(home: Path, database_url: str, now: str) -> dict[str, str]:
    return {
        "DATAWARD_HOME": str(home),
        "DATAWARD_DATABASE_URL": database_url,
        "DATAWARD_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode("ascii"),
        "DATAWARD_NOW": now,
        "DATAWARD_ENVIRONMENT": "test",
    }
