"""Shared fixtures. Every test runs in a transaction that is rolled back.

The suite runs on SQLite by default; set DATAWARD_TEST_DATABASE_URL to a PostgreSQL server URL
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) to run it on a fresh scratch database
there. Connector tests also read DATAWARD_TEST_POSTGRES_URL and DATAWARD_TEST_MARIADB_URL and
skip, saying so, when they are unset.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from dataward.core.clock import FixedClock
from dataward.core.config import Settings
from dataward.core.db import make_engine
from dataward.core.runtime import Runtime
from dataward.domains import metadata

# The browser-test fixtures: live_app, browser_page, smtp_server, staff_account.
pytest_plugins = ["browser"]


def _scratch_database(server_url: str, prefix: str) -> Iterator[str]:
    """Create a uniquely named database on that server, yield its URL, drop it afterwards."""
    url = make_url(server_url)
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    quote = '"' if url.get_backend_name() == "postgresql" else "`"
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {quote}{name}{quote}"))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            if url.get_backend_name() == "postgresql":
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            else:
                connection.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Dataward's own database for this test session: SQLite, or scratch PostgreSQL."""
    server = os.environ.get("DATAWARD_TEST_DATABASE_URL")
    if server:
        yield from _scratch_database(server, "dataward_test")
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'dataward.db'}"


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with no tables yet, of the kind this run tests (for migrations, `init`)."""
    server = os.environ.get("DATAWARD_TEST_DATABASE_URL")
    if server:
        yield from _scratch_database(server, "dataward_empty")
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    metadata().create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one outer transaction, rolled back."""
    connection = engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A scratch PostgreSQL database for connector tests (a business's system, not ours)."""
    server = os.environ.get("DATAWARD_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("DATAWARD_TEST_POSTGRES_URL is not set: PostgreSQL connector tests skipped")
    yield from _scratch_database(server, "dw_source")


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """A scratch MariaDB database for connector tests."""
    server = os.environ.get("DATAWARD_TEST_MARIADB_URL")
    if not server:
        pytest.skip("DATAWARD_TEST_MARIADB_URL is not set: MariaDB connector tests skipped")
    yield from _scratch_database(server, "dw_source")


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture
def runtime(engine: Engine, clock: FixedClock, tmp_path: Path) -> Iterator[Runtime]:
    """A Runtime whose transactions really commit; every table is emptied afterwards.

    For code that opens its own transactions (jobs, CLI boundaries, sweeps)."""
    settings = Settings(home=tmp_path / "home", environment="test")
    settings.home.mkdir()
    yield Runtime.on_engine(settings, engine, clock)
    with engine.begin() as connection:
        for table in reversed(metadata().sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _isolated_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test writes to the working directory's .dataward: each gets its own home."""
    monkeypatch.setenv("DATAWARD_HOME", str(tmp_path / "dataward-home"))
    for name in ("DATAWARD_DATABASE_URL", "DATAWARD_MASTER_KEY", "DATAWARD_MASTER_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
