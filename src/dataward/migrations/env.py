"""Alembic environment: the engine comes from the caller (core/migrate.py or alembic CLI)."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Engine

from dataward.core.config import Settings
from dataward.core.db import make_engine
from dataward.domains import metadata

config = context.config
target = metadata()


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    url = os.environ.get("DATAWARD_DATABASE_URL") or Settings().resolved_database_url
    return make_engine(url)


def run() -> None:
    engine = _engine()
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target,
            compare_type=True,
            render_as_batch=engine.dialect.name == "sqlite",
        )
        context.run_migrations()


run()
