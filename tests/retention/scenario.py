"""Example deployments for retention scenario tests: an example business's sample systems on
SQLite, or in a scratch PostgreSQL or MariaDB database, with its own policy file."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, Table, create_engine, select, text
from sqlalchemy.engine import make_url

from dataward.core.clock import london_date
from dataward.examples.catalogue import load_generator, policy_path
from dataward.examples.systems import SqlSystem
from dataward.policy.service import LoadedPolicy, load_policy

BACKENDS = ("sqlite", "postgresql", "mariadb")
SERVER_VARIABLES = {
    "postgresql": "DATAWARD_TEST_POSTGRES_URL",
    "mariadb": "DATAWARD_TEST_MARIADB_URL",
}


@contextmanager
def scratch_database(backend: str) -> Iterator[str | None]:
    """None for SQLite (the generator makes files); else a fresh database on that server."""
    if backend == "sqlite":
        yield None
        return
    server = os.environ.get(SERVER_VARIABLES[backend])
    if not server:
        pytest.skip(f"{SERVER_VARIABLES[backend]} is not set: {backend} scenario skipped")
    url = make_url(server)
    name = f"dw_scenario_{os.getpid()}_{secrets.token_hex(4)}"
    quote = '"' if backend == "postgresql" else "`"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {quote}{name}{quote}"))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            force = " WITH (FORCE)" if backend == "postgresql" else ""
            connection.execute(text(f"DROP DATABASE IF EXISTS {quote}{name}{quote}{force}"))
        admin.dispose()


@dataclass
class Deployment:
    """One example business: its policy, its systems' environment, and direct access to them."""

    business: str
    loaded: LoadedPolicy
    environ: dict[str, str]
    systems: dict[str, Any]  # system name → SqlSystem or FolderSystem of the generator
    known: dict[str, Any]
    _engines: dict[str, Engine] = field(default_factory=dict)

    def engine(self, system: str) -> Engine:
        if system not in self._engines:
            declared = self.systems[system]
            if isinstance(declared, SqlSystem):
                url = self.environ[declared.env_var]
            else:
                url = f"sqlite:///{Path(self.environ[declared.env_var]) / declared.index}"
            self._engines[system] = create_engine(url)
        return self._engines[system]

    def folder(self, system: str) -> Path:
        return Path(self.environ[self.systems[system].env_var])

    def table(self, system: str, name: str) -> Table:
        metadata: MetaData = self.systems[system].metadata
        return metadata.tables[name]

    def rows(self, system: str, name: str) -> list[dict[str, Any]]:
        table = self.table(system, name)
        with self.engine(system).connect() as connection:
            return [dict(r) for r in connection.execute(select(table)).mappings()]

    def ids(self, system: str, name: str) -> set[Any]:
        return {row["id"] for row in self.rows(system, name)}

    def close(self) -> None:
        for engine in self._engines.values():
            engine.dispose()


@contextmanager
def deploy(business: str, out_dir: Path, backend: str, *, people: int = 40) -> Iterator[Deployment]:
    generator = load_generator(business)
    systems = {s.name: s for s in generator.SYSTEMS}
    with scratch_database(backend) as url:
        urls = {n: url for n, s in systems.items() if isinstance(s, SqlSystem)} if url else None
        environ = generator.generate(out_dir, people=people, urls=urls)
        deployment = Deployment(
            business=business,
            loaded=load_policy(policy_path(business)),
            environ=dict(environ),
            systems=systems,
            known=dict(generator.KNOWN_PEOPLE),
        )
        try:
            yield deployment
        finally:
            deployment.close()


def day_of(value: date | datetime | str | None) -> date | None:
    """The London calendar date of a stored date or moment (SQLite may hand back text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    if isinstance(value, datetime):
        return london_date(value) if value.tzinfo else value.date()
    return value
