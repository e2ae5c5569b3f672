"""An example business deployed for rights scenario tests, and requests run on it for real.

`backend="sqlite"`: every system as the generator makes it (SQLite files, folders of files).
`backend="servers"`: the first SQL system in a scratch PostgreSQL database and the second in a
scratch MariaDB database, the rest on SQLite, so one request crosses all three (skipped, saying
so, unless DATAWARD_TEST_POSTGRES_URL and DATAWARD_TEST_MARIADB_URL are set).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, Table, create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.examples.catalogue import load_generator, policy_path
from dataward.examples.systems import SqlSystem
from dataward.policy.service import LoadedPolicy, load_policy
from dataward.rights import service
from dataward.rights.context import ExecutionContext, Outcome, Retry
from dataward.rights.execution import run_request
from dataward.rights.models import RequestKind, RightsRequest
from dataward.rights.schemas import RequesterIdentities

BACKENDS = ("sqlite", "servers")
SERVERS = {"postgresql": "DATAWARD_TEST_POSTGRES_URL", "mariadb": "DATAWARD_TEST_MARIADB_URL"}
STAFF = "cli:office-manager"


@contextmanager
def scratch_database(backend: str) -> Iterator[str]:
    server = os.environ[SERVERS[backend]]
    url = make_url(server)
    name = f"dw_rights_{os.getpid()}_{secrets.token_hex(4)}"
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
    business: str
    loaded: LoadedPolicy
    environ: dict[str, str]
    systems: dict[str, Any]
    known: dict[str, Any]
    placed: dict[str, str]  # system → where it runs: sqlite, postgresql, mariadb, files
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

    def rows(self, system: str, table: str) -> list[dict[str, Any]]:
        metadata: MetaData = self.systems[system].metadata
        source: Table = metadata.tables[table]
        with self.engine(system).connect() as connection:
            return [dict(r) for r in connection.execute(select(source)).mappings()]

    def close(self) -> None:
        for engine in self._engines.values():
            engine.dispose()


@contextmanager
def deploy(business: str, out_dir: Path, backend: str, *, people: int = 30) -> Iterator[Deployment]:
    generator = load_generator(business)
    systems = {s.name: s for s in generator.SYSTEMS}
    sql = [name for name, s in systems.items() if isinstance(s, SqlSystem)]
    placed = {n: ("sqlite" if n in sql else "files") for n in systems}
    with ExitStack() as stack:
        urls: dict[str, str] = {}
        if backend == "servers":
            missing = [v for v in SERVERS.values() if not os.environ.get(v)]
            if missing:
                pytest.skip(f"{', '.join(missing)} not set: the cross-database scenario is skipped")
            for name, server in zip(sql[:2], ("postgresql", "mariadb"), strict=False):
                urls[name] = stack.enter_context(scratch_database(server))
                placed[name] = server
        environ = generator.generate(out_dir, people=people, urls=urls or None)
        deployment = Deployment(
            business=business,
            loaded=load_policy(policy_path(business)),
            environ=dict(environ),
            systems=systems,
            known=dict(generator.KNOWN_PEOPLE),
            placed=placed,
        )
        stack.callback(deployment.close)
        yield deployment


@dataclass
class Desk:
    """The office manager's desk: opens, verifies and runs requests on a deployment."""

    session: Session
    keyring: Keyring
    clock: Clock
    home: Path
    deployment: Deployment

    def request(
        self,
        kind: RequestKind,
        person: str,
        *,
        with_phone: bool = True,
        with_references: bool = True,
        purposes: Sequence[str] = (),
        details: dict[str, Any] | None = None,
    ) -> RightsRequest:
        known = self.deployment.known[person]
        request = service.open_request(
            session=self.session,
            keyring=self.keyring,
            clock=self.clock,
            actor=STAFF,
            kind=kind,
            identities=RequesterIdentities(
                email=known.email,
                phone=known.phone if with_phone else None,
                extra=dict(known.identities) if with_references else {},
            ),
            policy=self.deployment.loaded,
            purposes=purposes,
            details=details,
            name=known.name,
        )
        service.assert_identities(
            session=self.session,
            keyring=self.keyring,
            clock=self.clock,
            request=request,
            actor=STAFF,
            evidence="photo ID checked against the account",
        )
        self.session.commit()
        return request

    def run(self, request: RightsRequest) -> Outcome:
        ctx = ExecutionContext(
            session=self.session,
            keyring=self.keyring,
            clock=self.clock,
            home=self.home,
            actor=STAFF,
            loaded=self.deployment.loaded,
            environ=self.deployment.environ,
            retry=Retry(attempts=2, backoff=0.01),
            commit=self.session.commit,
        )
        return run_request(ctx=ctx, request=request)
