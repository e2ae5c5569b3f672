"""A test runtime the web layer of the registers can run on: the policy and the mail server
that `serve` would be given (DATAWARD_POLICY, DATAWARD_SMTP_*)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from dataward.app import create_app
from dataward.core.clock import FixedClock
from dataward.core.config import Settings
from dataward.core.runtime import Runtime
from dataward.domains import metadata

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "dataward" / "examples" / "businesses"


def example(business: str) -> Path:
    return EXAMPLES / business / "dataward.yaml"


def runtime_for(
    engine: Engine, home: Path, policy: Path, moment: datetime, smtp_port: int | None = None
) -> Iterator[Runtime]:
    """Yield a runtime over the test database; every table is emptied afterwards."""
    mail = {"smtp_host": "127.0.0.1", "smtp_port": smtp_port} if smtp_port else {}
    settings = Settings(
        home=home, environment="test", policy=policy, mail_from="privacy@example.com", **mail
    )
    home.mkdir(parents=True, exist_ok=True)
    yield Runtime.on_engine(settings, engine, FixedClock(moment))
    with engine.begin() as connection:
        for table in reversed(metadata().sorted_tables):
            connection.execute(table.delete())


def client_of(runtime: Runtime) -> Iterator[TestClient]:
    from browser import keyring_for

    keyring_for(runtime)
    with TestClient(create_app(runtime), follow_redirects=False) as client:
        yield client
