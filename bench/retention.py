"""Retention sweep benchmark: a sweep against a plain batched DELETE on the same table, and file
deletion from a recordings folder.

    .venv/bin/python bench/retention.py [--rows 10000000] [--expired N] [--held 1000]
        [--files 100000] [--batch-size 10000] [--plain-batch-size 1000] [--postgres URL]
        [--dataward postgres|sqlite]

Prints one JSON line. On PostgreSQL (DATAWARD_TEST_POSTGRES_URL or --postgres, a server URL)
a scratch database gets a `calls` table of `--rows` rows bulk-loaded with COPY, `--expired` of
them (a tenth by default) past a 3-month rule and `--held` of those under legal hold, and an
identical copy `calls_copy`. The sweep (holds, batches recorded as pending then done, an audit
event per batch) runs on `calls` with its default batch size; a plain batched `DELETE ...
WHERE recorded_at < cutoff` runs on `calls_copy` with the batch size that suits it best. Their
rows per second and the ratio are reported (the design's budget is a ratio of at least 0.5).
Then `--files` small files in a folder with a SQLite index, nine in ten expired, are swept:
files deleted per second. Dataward's own database is a second scratch PostgreSQL database (or
a SQLite file with --dataward sqlite).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dataward.core.clock import FixedClock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.db import make_engine
from dataward.core.runtime import Runtime
from dataward.domains import metadata
from dataward.policy.schema import Policy
from dataward.policy.service import LoadedPolicy
from dataward.retention import service
from dataward.retention.periods import expiry_cutoff
from dataward.retention.sweep import DEFAULT_BATCH, sweep

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
RULE = "calls-3-months"


@contextmanager
def scratch_database(server: str, prefix: str) -> Iterator[str]:
    url = make_url(server)
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def load_calls(source_url: str, rows: int, expired: int, cutoff: datetime) -> float:
    """COPY `rows` calls in time order (ids follow time, as a recorder writes them); the first
    `expired` fall before the cutoff. Returns the seconds taken."""
    started = time.perf_counter()
    old_span = timedelta(days=365).total_seconds()
    new_span = (NOW - cutoff).total_seconds() - 60
    with psycopg.connect(libpq(source_url), autocommit=True) as connection:
        connection.execute(
            "CREATE TABLE calls (id bigint PRIMARY KEY, caller_number text NOT NULL, "
            "recorded_at timestamptz NOT NULL)"
        )
        with connection.cursor() as cursor, cursor.copy("COPY calls FROM STDIN") as copy:
            chunk: list[str] = []
            for n in range(rows):
                if n < expired:
                    moment = cutoff - timedelta(seconds=old_span * (expired - n) / expired)
                else:
                    moment = cutoff + timedelta(
                        seconds=new_span * (n - expired + 1) / max(rows - expired, 1)
                    )
                chunk.append(f"{n + 1}\t+447700{n % 1_000_000:06d}\t{moment.isoformat()}\n")
                if len(chunk) == 50_000:
                    copy.write("".join(chunk))
                    chunk.clear()
            if chunk:
                copy.write("".join(chunk))
        connection.execute("CREATE INDEX ix_calls_recorded_at ON calls (recorded_at)")
        connection.execute("CREATE TABLE calls_copy (LIKE calls INCLUDING ALL)")
        connection.execute("INSERT INTO calls_copy SELECT * FROM calls")
        connection.execute("VACUUM ANALYZE calls")
        connection.execute("VACUUM ANALYZE calls_copy")
    return time.perf_counter() - started


def plain_delete(source_url: str, cutoff: datetime, batch_size: int) -> tuple[int, float]:
    """What a DBA would write: delete expired rows a batch at a time, committing each."""
    deleted = 0
    started = time.perf_counter()
    with psycopg.connect(libpq(source_url), autocommit=True) as connection:
        while True:
            cursor = connection.execute(
                "DELETE FROM calls_copy WHERE id IN (SELECT id FROM calls_copy "
                "WHERE recorded_at < %s LIMIT %s)",
                (cutoff, batch_size),
            )
            if cursor.rowcount <= 0:
                break
            deleted += cursor.rowcount
    return deleted, time.perf_counter() - started


def make_recordings(folder: Path, files: int, cutoff: datetime) -> None:
    """`files` small audio files and their index; nine in ten recorded before the cutoff."""
    folder.mkdir(parents=True)
    index = sqlite3.connect(folder / "index.sqlite")
    index.execute(
        "CREATE TABLE calls (id INTEGER PRIMARY KEY, recorded_at TIMESTAMP NOT NULL, "
        "audio_file TEXT NOT NULL)"
    )
    rows = []
    for n in range(1, files + 1):
        expired = n % 10 != 0
        moment = cutoff - timedelta(days=1, minutes=n) if expired else NOW - timedelta(minutes=n)
        relative = f"{moment:%Y-%m}/{n // 1000:03d}/call-{n:07d}.wav"
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"RIFF....WAVEfmt ")
        rows.append((n, moment.isoformat(sep=" "), relative))
    index.executemany("INSERT INTO calls VALUES (?, ?, ?)", rows)
    index.commit()
    index.close()


def policy_document() -> dict[str, Any]:
    calls_fields = [
        {"name": "id", "primary_key": True},
        {"name": "caller_number", "identity": "phone_number"},
        {"name": "recorded_at"},
    ]
    return {
        "organisation": {
            "name": "Bench Ltd",
            "registered_office": "1 High Street, Bath",
            "privacy_contact": "privacy@bench.example.com",
        },
        "retention": {RULE: {"period": "3 months", "after": "recorded_at", "reason": "bench"}},
        "activities": [
            {
                "name": "Call recording",
                "purpose": "essential.service.operations.support",
                "lawful_basis": "legitimate_interests",
                "subjects": ["customer"],
                "categories": ["user.contact.phone_number"],
                "systems": ["pbx", "recordings"],
            }
        ],
        "systems": [
            {
                "name": "pbx",
                "connector": "sql",
                "connection": {"url_env": "BENCH_PBX_URL"},
                "dataset": {
                    "collections": [{"name": "calls", "retention": RULE, "fields": calls_fields}]
                },
            },
            {
                "name": "recordings",
                "connector": "files",
                "connection": {"path_env": "BENCH_RECORDINGS_DIR"},
                "dataset": {
                    "collections": [
                        {
                            "name": "calls",
                            "retention": RULE,
                            "fields": [
                                {"name": "id", "primary_key": True},
                                {"name": "recorded_at"},
                                {"name": "audio_file", "file": True},
                            ],
                        }
                    ]
                },
            },
        ],
    }


@contextmanager
def dataward_database(kind: str, server: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'dataward.db'}"
        return
    with scratch_database(server, "dw_bench_dataward") as url:
        yield url


def run(args: argparse.Namespace, server: str) -> dict[str, Any]:
    cutoff_day = expiry_cutoff(
        NOW.date(), Policy.model_validate(policy_document()).retention[RULE].parsed_period
    )
    cutoff = datetime.combine(cutoff_day, datetime.min.time(), tzinfo=UTC)
    with (
        tempfile.TemporaryDirectory() as scratch,
        scratch_database(server, "dw_bench_source") as source_url,
    ):
        folder = Path(scratch)
        load_seconds = load_calls(source_url, args.rows, args.expired, cutoff)
        make_recordings(folder / "recordings", args.files, cutoff)
        document = policy_document()
        policy_file = folder / "dataward.yaml"
        policy_file.write_text(yaml.safe_dump(document), encoding="utf-8")
        loaded = LoadedPolicy(policy=Policy.model_validate(document), path=policy_file)
        environ = {"BENCH_PBX_URL": source_url, "BENCH_RECORDINGS_DIR": str(folder / "recordings")}
        with dataward_database(args.dataward, server, folder) as dataward_url:
            engine = make_engine(dataward_url)
            metadata().create_all(engine)
            settings = Settings(home=folder / "home", database_url=dataward_url)
            runtime = Runtime.on_engine(settings, engine, FixedClock(NOW))
            keyring = Keyring(secrets.token_bytes(32))
            held = random.Random(7).sample(range(1, args.expired + 1), args.held)
            with runtime.transaction() as session:
                for key in held:
                    service.hold_record(
                        session=session,
                        keyring=keyring,
                        clock=runtime.clock,
                        policy=loaded.policy,
                        actor="bench",
                        system="pbx",
                        collection="calls",
                        key=str(key),
                        reason="bench hold",
                    )

            started = time.perf_counter()
            report = sweep(
                runtime=runtime,
                keyring=keyring,
                loaded=loaded,
                environ=environ,
                system="pbx",
                batch_size=args.batch_size,
            )
            sweep_seconds = time.perf_counter() - started
            calls = report.outcome("pbx", "calls")
            assert report.ok and calls.held == args.held, calls.as_dict()

            plain_rows, plain_seconds = plain_delete(source_url, cutoff, args.plain_batch_size)
            assert plain_rows == args.expired, plain_rows

            started = time.perf_counter()
            files_report = sweep(
                runtime=runtime,
                keyring=keyring,
                loaded=loaded,
                environ=environ,
                system="recordings",
                batch_size=args.batch_size,
            )
            files_seconds = time.perf_counter() - started
            recordings = files_report.outcome("recordings", "calls")
            assert files_report.ok, recordings.as_dict()
            left = sum(1 for p in (folder / "recordings").rglob("*.wav"))
            assert left == args.files - recordings.acted, left
            engine.dispose()
    sweep_rate = calls.acted / sweep_seconds
    plain_rate = plain_rows / plain_seconds
    return {
        "benchmark": "retention",
        "rows": args.rows,
        "expired": args.expired,
        "held": args.held,
        "batch_size": args.batch_size,
        "plain_batch_size": args.plain_batch_size,
        "dataward_db": args.dataward,
        "load_seconds": round(load_seconds, 1),
        "sweep_rows": calls.acted,
        "sweep_seconds": round(sweep_seconds, 2),
        "sweep_rows_per_second": round(sweep_rate),
        "plain_delete_rows": plain_rows,
        "plain_delete_seconds": round(plain_seconds, 2),
        "plain_delete_rows_per_second": round(plain_rate),
        "ratio": round(sweep_rate / plain_rate, 3),
        "files": args.files,
        "files_deleted": recordings.acted,
        "files_seconds": round(files_seconds, 2),
        "files_deleted_per_second": round(recordings.acted / files_seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--expired", type=int, default=None, help="default: a tenth of --rows")
    parser.add_argument("--held", type=int, default=1000)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH, help="the sweep's")
    parser.add_argument(
        "--plain-batch-size",
        type=int,
        default=1000,
        help="the plain DELETE's (PostgreSQL plans `IN (SELECT ... LIMIT n)` well up to ~2000)",
    )
    parser.add_argument("--postgres", default=os.environ.get("DATAWARD_TEST_POSTGRES_URL"))
    parser.add_argument("--dataward", choices=("postgres", "sqlite"), default="postgres")
    args = parser.parse_args()
    if not args.postgres:
        parser.error("give --postgres URL or set DATAWARD_TEST_POSTGRES_URL")
    args.expired = args.rows // 10 if args.expired is None else args.expired
    if not 0 <= args.held <= args.expired <= args.rows:
        parser.error("need 0 <= --held <= --expired <= --rows")
    print(json.dumps(run(args, args.postgres)), flush=True)


if __name__ == "__main__":
    main()
