"""Access-register benchmark: events ingested per second with their audit chain, and the
12-month report for one client over a register of a million events.

    .venv/bin/python bench/access_events.py [--ingest 20000] [--batch 1000]
        [--register 1000000] [--clients 200] [--postgres URL]

Prints one JSON line. `webhook_per_s` is POST /api/v1/access-events with a source's token, in
process; `ingested_per_s` is the path every arrival takes (service.ingest: look up the
batch's ids, seal each event, check its rules, one record_many for the chain, the rows and
findings), one transaction per batch as the webhook and the import commit them. `report` fills
the register with `register` events over 12 months shared by `clients` clients (the rows are
written directly, the chain is not what is measured there), then times the report of the
busiest client for the year, every row unsealed, as `dataward access report` writes it.
SQLite runs in a scratch file; PostgreSQL (DATAWARD_TEST_POSTGRES_URL or --postgres, a server
URL) in a scratch database dropped afterwards.
"""

from __future__ import annotations

import argparse
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from dataward.access import service
from dataward.access.models import AccessEvent
from dataward.access.report import Period, report_rows
from dataward.access.schemas import AccessEventIn
from dataward.core.clock import FixedClock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring, create_master_key_file
from dataward.core.db import make_engine, make_sessionmaker, transaction
from dataward.domains import metadata
from dataward.examples.catalogue import policy_path
from dataward.policy.service import load_policy

YEAR_START = datetime(2025, 3, 1, tzinfo=UTC)


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        metadata().create_all(engine)
        yield engine
        engine.dispose()


@contextmanager
def postgres_engine(server: str) -> Iterator[Engine]:
    url = make_url(server)
    name = f"dw_bench_access_{secrets.token_hex(4)}"
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


def _event(n: int) -> AccessEventIn:
    started = YEAR_START + timedelta(minutes=7 * n)
    return AccessEventIn(
        event_id=f"rr-{n}",
        kind=None,
        engineer=f"eng-{n % 9:02d}",
        device=f"DEV-{n % 400:04d}",
        client=f"Client {n % 50:02d} Ltd",
        started_at=started,
        ended_at=started + timedelta(minutes=30),
        attended=n % 10 != 0,
        warning_shown=n % 10 != 0,
        device_in_use=False,
        reason="support" if n % 10 else "maintenance",
        username=f"user{n % 700}",
        ip_address=f"10.0.{n % 250}.{n % 200}",
        hostname=f"host-{n % 400}.example.local",
    )


def ingest_per_second(engine: Engine, count: int, batch: int, keyring: Keyring) -> float:
    policy = load_policy(policy_path("msp")).policy
    sessions = make_sessionmaker(engine)
    clock = FixedClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    events = [_event(n) for n in range(count, 2 * count)]  # after the webhook's
    started = time.perf_counter()
    for first in range(0, count, batch):
        with transaction(sessions) as session:
            service.ingest(
                session=session,
                clock=clock,
                keyring=keyring,
                policy=policy,
                source="remotereach",
                events=events[first : first + batch],
                actor="token:bench",
            )
    return count / (time.perf_counter() - started)


def webhook_per_second(engine: Engine, count: int, batch: int, settings: Settings) -> float:
    """The same, through the web app: a source's token POSTs batches to the webhook (in
    process, no network), each answered with its events and findings."""
    from fastapi.testclient import TestClient

    from dataward.accounts import tokens
    from dataward.accounts.roles import Role
    from dataward.app import create_app
    from dataward.core.runtime import Runtime

    runtime = Runtime.on_engine(settings, engine, FixedClock(datetime(2026, 3, 2, tzinfo=UTC)))
    with runtime.transaction() as session:
        _, token = tokens.create_token(
            session=session, clock=runtime.clock, name="remotereach", role=Role.SOURCE,
            actor="bench",
        )  # fmt: skip
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    bodies = [
        orjson.dumps(
            {
                "events": [
                    _event(n).model_dump(mode="json") | {"event_id": f"wh-{n}"}
                    for n in range(first, min(first + batch, count))
                ]
            }
        )
        for first in range(0, count, batch)
    ]
    with TestClient(create_app(runtime)) as client:
        started = time.perf_counter()
        for body in bodies:
            answer = client.post("/api/v1/access-events", content=body, headers=headers)
            if answer.status_code != 200:
                raise SystemExit(f"webhook refused the batch: {answer.text[:300]}")
        return count / (time.perf_counter() - started)


def fill_register(engine: Engine, total: int, clients: int, keyring: Keyring) -> str:
    """`total` events over the year; the busiest client's are sealed as ingest seals them."""
    busiest = "Client 000 Ltd"
    sessions = make_sessionmaker(engine)
    minutes = 365 * 24 * 60
    received = datetime(2026, 3, 2, tzinfo=UTC)
    with transaction(sessions) as session:
        keyring.attach(session)
    for first in range(0, total, 20_000):
        rows: list[dict[str, Any]] = []
        for n in range(first, min(first + 20_000, total)):
            client = f"Client {n % clients:03d} Ltd"
            event_id = f"fill-{n}"
            named = {"engineer": f"eng-{n % 9:02d}", "username": f"user{n % 700}"}
            sealed = (
                keyring.seal_note(
                    orjson.dumps(named, option=orjson.OPT_SORT_KEYS).decode(),
                    context=service.seal_context("bench", event_id),
                    session=session,
                )
                if client == busiest
                else "sealed:v1:unread"
            )
            started = YEAR_START + timedelta(minutes=(n * 7919) % minutes)
            rows.append(
                {
                    "source": "bench",
                    "source_event_id": event_id,
                    "kind": "remote_session",
                    "client": client,
                    "device": f"DEV-{n % 4000:04d}",
                    "started_at": started,
                    "ended_at": started + timedelta(minutes=20),
                    "attended": True,
                    "warning_shown": True,
                    "reason": "support",
                    "sealed": sealed,
                    "received_at": received,
                }
            )
        with transaction(sessions) as session:
            session.execute(insert(AccessEvent), rows)
    _analyze(engine)
    return busiest


def _analyze(engine: Engine) -> None:
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE access_events"))
        else:
            connection.execute(text("ANALYZE"))
        connection.commit()


def report_seconds(engine: Engine, client: str, keyring: Keyring) -> tuple[float, int]:
    period = Period(date(2025, 3, 1), date(2026, 2, 28))
    with transaction(make_sessionmaker(engine)) as session:
        started = time.perf_counter()
        count = sum(
            1
            for _ in report_rows(
                session=session, keyring=keyring, period=period, client=client, device=None
            )
        )
        return time.perf_counter() - started, count


def run(engine: Engine, args: argparse.Namespace, home: Path) -> dict[str, Any]:
    settings = Settings(home=home, environment="development", policy=policy_path("msp"))
    create_master_key_file(settings.resolved_master_key_file)
    keyring = Keyring.from_settings(settings)
    figures: dict[str, Any] = {
        "webhook_per_s": round(webhook_per_second(engine, args.ingest, args.batch, settings))
    }
    _analyze(engine)  # as autovacuum would: the planner learns the table is no longer empty
    figures["ingested_per_s"] = round(ingest_per_second(engine, args.ingest, args.batch, keyring))
    started = time.perf_counter()
    client = fill_register(engine, args.register, args.clients, keyring)
    figures["fill_seconds"] = round(time.perf_counter() - started, 1)
    seconds, rows = report_seconds(engine, client, keyring)
    figures["report"] = {"client_events": rows, "seconds": round(seconds, 3)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--ingest", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--register", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--postgres", default=os.environ.get("DATAWARD_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    result: dict[str, Any] = {
        "benchmark": "access_events",
        "ingest": args.ingest,
        "batch": args.batch,
        "register": args.register,
        "clients": args.clients,
    }
    with sqlite_engine() as engine, tempfile.TemporaryDirectory() as home:
        result["sqlite"] = run(engine, args, Path(home))
    if args.postgres:
        with postgres_engine(args.postgres) as engine, tempfile.TemporaryDirectory() as home:
            result["postgresql"] = run(engine, args, Path(home))
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
