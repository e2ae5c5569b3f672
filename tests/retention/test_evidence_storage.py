"""A sweep batch's keys and key digests are stored uncompressed on PostgreSQL, whether the
tables came from the models or from the migrations (hex digests do not compress, and pglz
spent ~95 ms a 25,000-key batch finding that out)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from dataward.core import migrate
from dataward.core.db import make_engine
from dataward.retention.models import UNCOMPRESSED_BATCH_COLUMNS


def _storage(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT attname, attstorage FROM pg_attribute "
                "WHERE attrelid = 'retention_sweep_batches'::regclass AND attnum > 0"
            )
        )
        return {str(row[0]): str(row[1]) for row in rows}


def _postgres_only(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("storage settings exist on PostgreSQL only (set DATAWARD_TEST_DATABASE_URL)")


def test_tables_made_from_the_models_store_sweep_evidence_uncompressed(engine: Engine) -> None:
    _postgres_only(engine)
    storage = _storage(engine)
    assert {storage[c] for c in UNCOMPRESSED_BATCH_COLUMNS} == {"e"}
    assert storage["rule"] == "x"  # other texts keep the default


def test_migrated_databases_store_sweep_evidence_uncompressed(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        _postgres_only(engine)
        migrate.upgrade(engine)
        assert {_storage(engine)[c] for c in UNCOMPRESSED_BATCH_COLUMNS} == {"e"}
    finally:
        engine.dispose()
