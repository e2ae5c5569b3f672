"""Audit chain benchmark: appends per second (a commit each, and many in one transaction),
verify throughput, raw SHA-256.

    .venv/bin/python bench/audit_chain.py [--appends 2000] [--batch 50000] [--log 400000]
        [--postgres URL]

Prints one JSON line. SQLite runs in a scratch file; PostgreSQL (DATAWARD_TEST_POSTGRES_URL or
--postgres, a server URL) in a scratch database dropped afterwards. Verify throughput is in MB/s
of canonical event bytes, the bytes the chain actually hashes, so it compares directly with
hashlib's SHA-256 over chunks of the same size (on one core). "verify" is the log checked on one
core; "verify_all_cores" as `dataward audit verify` checks it, on every core it may use.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from dataward.audit import service as audit
from dataward.audit.runs import cores
from dataward.audit.verify import verify
from dataward.core.clock import FixedClock
from dataward.core.db import make_engine, make_sessionmaker, transaction
from dataward.domains import metadata

MB = 1_000_000
VERIFY_KEYS = ("verify", "verify_all_cores")


def _details(n: int) -> dict[str, Any]:
    """Evidence of the size real events carry: a rule, counts, a few key digests."""
    return {
        "rule": "calls-3-months",
        "collection": "calls.recordings",
        "count": n % 500,
        "keys": [hashlib.sha256(f"{n}:{k}".encode()).hexdigest()[:32] for k in range(3)],
    }


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
    name = f"dw_bench_audit_{secrets.token_hex(4)}"
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


def appends_per_second(engine: Engine, count: int) -> float:
    """record() then commit, one event per transaction: the cost every audited change pays."""
    sessions = make_sessionmaker(engine)
    clock = FixedClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    started = time.perf_counter()
    for n in range(count):
        with transaction(sessions) as session:
            audit.record(
                session=session,
                clock=clock,
                actor="system:bench",
                action="retention.sweep.batch_deleted",
                object_type="collection",
                object_id="calls.recordings",
                details=_details(n),
            )
        clock.advance(milliseconds=1)
    return count / (time.perf_counter() - started)


def _new_events(start: int, count: int) -> list[audit.NewEvent]:
    return [
        audit.NewEvent(
            actor="system:bench",
            action="retention.sweep.batch_deleted",
            object_type="collection",
            object_id="calls.recordings",
            details=_details(n),
        )
        for n in range(start, start + count)
    ]


def batched_appends_per_second(engine: Engine, count: int) -> float:
    """record_many() of `count` events in one transaction: what a sweep or an import pays."""
    sessions = make_sessionmaker(engine)
    clock = FixedClock(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    events = _new_events(0, count)
    started = time.perf_counter()
    with transaction(sessions) as session:
        audit.record_many(session=session, clock=clock, events=events)
    return count / (time.perf_counter() - started)


def grow_log(engine: Engine, total: int) -> None:
    """Extend the chain to `total` events quickly (record_many), for the verify figure."""
    sessions = make_sessionmaker(engine)
    clock = FixedClock(datetime(2026, 3, 3, tzinfo=UTC))
    while True:
        with transaction(sessions) as session:
            head = audit.chain_head(session)
            have = head.sequence if head else 0
            if have >= total:
                return
            wanted = min(5000, total - have)
            audit.record_many(session=session, clock=clock, events=_new_events(have, wanted))
        clock.advance(milliseconds=1)


def _cpu() -> float:
    """CPU seconds of this process and of the processes it waited for (verify's other cores)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def verify_figures(engine: Engine, workers: int) -> dict[str, float]:
    """`audit verify` on one core (workers=1), or on several as the CLI does."""
    with transaction(make_sessionmaker(engine)) as session:
        started, cpu_started = time.perf_counter(), _cpu()
        report = verify(session=session, workers=workers)
        elapsed = time.perf_counter() - started
        cpu = _cpu() - cpu_started
    if not report.ok:
        raise SystemExit(f"benchmark chain does not verify: {report.problem}")
    return {
        "workers": workers,
        "events": report.events,
        "seconds": round(elapsed, 3),
        "events_per_s": round(report.events / elapsed),
        "mb_per_s": round(report.canonical_bytes / MB / elapsed, 2),
        # Dataward's CPU only (not the database server's): steadier on a shared machine.
        "mb_per_cpu_s": round(report.canonical_bytes / MB / max(cpu, 1e-9), 2),
        "mean_event_bytes": round(report.canonical_bytes / max(report.events, 1)),
    }


def raw_sha256_mb_per_s(chunk: int, total: int = 64 * MB, *, cpu: bool = False) -> float:
    """hashlib alone, over chunks the size of an event (and 64-byte prev hash prefixes)."""
    block = secrets.token_bytes(chunk)
    prefix = b"0" * 64
    rounds = max(total // chunk, 1)
    timer = time.process_time if cpu else time.perf_counter
    started = timer()
    for _ in range(rounds):
        hashlib.sha256(prefix + block).hexdigest()
    return rounds * chunk / MB / (timer() - started)


def run(engine: Engine, appends: int, batch: int, log: int) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "appends_per_s_commit_each": round(appends_per_second(engine, appends), 1),
        "appends_per_s_one_transaction": round(batched_appends_per_second(engine, batch)),
    }
    grow_log(engine, log)
    figures["verify"] = verify_figures(engine, 1)
    if cores() > 1:
        figures["verify_all_cores"] = verify_figures(engine, cores())
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50_000)
    # Long enough that verifying on two cores (at least 100,000 events each) is tried.
    parser.add_argument("--log", type=int, default=400_000)
    parser.add_argument("--postgres", default=os.environ.get("DATAWARD_TEST_POSTGRES_URL"))
    args = parser.parse_args()

    result: dict[str, Any] = {
        "benchmark": "audit_chain",
        "appends": args.appends,
        "batch": args.batch,
        "log": args.log,
    }
    with sqlite_engine() as engine:
        result["sqlite"] = run(engine, args.appends, args.batch, args.log)
    if args.postgres:
        with postgres_engine(args.postgres) as engine:
            result["postgresql"] = run(engine, args.appends, args.batch, args.log)
    event_bytes = result["sqlite"]["verify"]["mean_event_bytes"]
    raw_event_sized = raw_sha256_mb_per_s(event_bytes)
    raw_event_sized_cpu = raw_sha256_mb_per_s(event_bytes, cpu=True)
    result["sha256_mb_per_s"] = {
        "event_sized_chunks": round(raw_event_sized, 1),
        "event_sized_chunks_cpu": round(raw_event_sized_cpu, 1),
        "1mb_chunks": round(raw_sha256_mb_per_s(MB), 1),
    }
    for backend in ("sqlite", "postgresql"):
        for key in VERIFY_KEYS:
            figures = result.get(backend, {}).get(key)
            if figures is None:
                continue
            figures["ratio_to_raw_sha256"] = round(figures["mb_per_s"] / raw_event_sized, 3)
            figures["ratio_to_raw_sha256_cpu"] = round(
                figures["mb_per_cpu_s"] / raw_event_sized_cpu, 3
            )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
