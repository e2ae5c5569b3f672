"""Helpers shared by the audit, people, consent and key tests: keyrings and a CLI home."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from dataward.core import migrate
from dataward.core.crypto import Keyring
from dataward.core.db import make_engine
from dataward.domains import metadata

CliRun = Callable[..., Result]


def make_keyring() -> Keyring:
    return Keyring(secrets.token_bytes(32), source="test")


def prepare_home(home: Path) -> str:
    """A Dataward home whose SQLite database has every table, as `dataward init` leaves it."""
    home.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{home / 'dataward.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    # Until the migrations are generated from the models, fill in what they do not create.
    metadata().create_all(engine)
    engine.dispose()
    return url


def cli_in(home: Path, monkeypatch: pytest.MonkeyPatch) -> CliRun:
    """Run `dataward ...` against a private home; only DATAWARD_HOME configures it."""
    for name in (
        "DATAWARD_DATABASE_URL",
        "DATAWARD_MASTER_KEY",
        "DATAWARD_MASTER_KEY_FILE",
        "DATAWARD_SIGNING_KEY_FILE",
        "DATAWARD_NOW",
        "DATAWARD_CHECKPOINT_EVERY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATAWARD_HOME", str(home))
    monkeypatch.setenv("DATAWARD_NOW", "2026-03-02T10:00:00+00:00")
    prepare_home(home)
    # Imported here so a broken command elsewhere fails only the CLI tests, not every test.
    from dataward.cli import app

    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    return run


def own_database(folder: Path, prefix: str) -> Iterator[Engine]:
    """A database of one test's own, where commits are real: a SQLite file, or a scratch
    PostgreSQL database when DATAWARD_TEST_DATABASE_URL is set. Dropped afterwards."""
    server = os.environ.get("DATAWARD_TEST_DATABASE_URL")
    if not server:
        engine = make_engine(f"sqlite:///{folder / f'{prefix}.db'}")
        metadata().create_all(engine)
        yield engine
        engine.dispose()
        return
    url = make_url(server)
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    try:
        metadata().create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
