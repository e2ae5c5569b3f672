"""The Alembic migrations build exactly the tables the models describe, on both databases."""

from __future__ import annotations

from sqlalchemy import inspect

from dataward.core import migrate
from dataward.core.db import make_engine
from dataward.domains import metadata


def test_upgrade_creates_every_table_and_leaves_nothing_pending(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        migrate.upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        assert set(metadata().tables) <= tables
        assert migrate.pending_changes(engine) == []
        assert migrate.current_revision(engine) is not None
        migrate.upgrade(engine)  # a second upgrade is a no-op
    finally:
        engine.dispose()
