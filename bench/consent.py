"""Suppression and TPS benchmark: loading a TPS file, screening lists against it and against
the suppression list, each through the `dataward` command a user runs.

    .venv/bin/python bench/consent.py [--tps-numbers 1000000] [--rows 100000]
        [--suppressed 10000] [--full] [--postgres URL | --sqlite]

`--full` is the issue's size: an 18,000,000-number TPS file, a list of 1,000,000 rows and
100,000 suppression entries. Each measured step is a separate `dataward` process (so its peak
memory is its own, read from wait4): `tps import` of the file, `suppression import` of the
entries, `suppression filter` of the list (every row's email and phone hashed and looked up);
and, in this process, `tps.listed_numbers` over the list's numbers (a whole call list screened
against the file). Dataward's database is a SQLite file, or a scratch PostgreSQL database
with --postgres (by default DATAWARD_TEST_POSTGRES_URL when it is set; --sqlite overrides it).
Each step's CPU seconds are given too: on a shared machine they move less than its seconds.
Prints one JSON line, its "database" saying which.

Then `comms screen` of the list on the voip example's `telemarketing` channel (every row's
number against the suppression list and the TPS file, its email against the suppression list),
a separate process again; and the consent-check API (`POST /api/v1/comms/check`, with a source
token, the msp example's policy) against a bare FastAPI endpoint answering `{"ok": true}`,
both through the same in-process ASGI client: requests per second and their ratio. When the
installed Dataward has no `comms` (the consent ledger), those figures are left out and the line
says so. The two endpoints are measured in interleaved rounds; the ratio is of requests per
second, and `consent_check_cpu_ratio` the same of CPU time per request.

A step that fails still gives the line, with the figures measured so far and a "failed" field
naming the step and its error (a `dataward` process's error output is kept in a file whose path
the field gives), and the benchmark exits 1.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dataward.consent import tps
from dataward.core.clock import FixedClock
from dataward.core.config import Settings
from dataward.core.db import make_engine
from dataward.core.runtime import Runtime
from dataward.examples.catalogue import policy_path

LAUNCHER = "import sys; from dataward.cli import main; sys.argv[0] = 'dataward'; main()"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@contextmanager
def scratch_database(server: str) -> Iterator[str]:
    url = make_url(server)
    name = f"bench_consent_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class StepFailed(Exception):
    """A measured step failed: its name, and where its error output was kept."""

    def __init__(self, step: str, detail: str) -> None:
        super().__init__(f"{step}: {detail}")
        self.step = step


LOGS = Path(tempfile.gettempdir()) / "bench_consent_logs"


def measured(env: dict[str, str], *args: str) -> tuple[float, float, str, float]:
    """Run `dataward ARGS` as its own process: (seconds, its peak RSS in MB, stdout, its CPU
    seconds). Its stderr goes to a file (kept on failure, path in the error), not a pipe: a
    pipe nobody reads while stdout is read would stall a chatty process for ever."""
    LOGS.mkdir(exist_ok=True)
    log = LOGS / f"{os.getpid()}-{'-'.join(args[:2])}.stderr"
    started = time.perf_counter()
    with log.open("wb") as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, *args], env=env, stdout=subprocess.PIPE, stderr=errors
        )
        assert process.stdout is not None
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:]
        raise StepFailed(
            f"dataward {' '.join(args[:2])}",
            f"exit status {process.returncode} ({' '.join(tail) or 'no error output'}); "
            f"its stderr is in {log}",
        )
    log.unlink()
    return seconds, usage.ru_maxrss / 1024, output.decode(), usage.ru_utime + usage.ru_stime


def number(rng: random.Random) -> str:
    return f"0{rng.randint(1_000_000_000, 9_999_999_999)}"


def write_tps(path: Path, count: int, rng: random.Random) -> None:
    with path.open("w", encoding="ascii") as stream:
        for start in range(0, count, 100_000):
            stream.write("\n".join(number(rng) for _ in range(min(100_000, count - start))))
            stream.write("\n")


def write_lists(
    folder: Path, rows: int, suppressed: int, tps_file: Path, rng: random.Random
) -> tuple[Path, Path, list[str]]:
    """The suppression entries (CSV of emails) and a contact list of `rows` rows, a tenth of
    them suppressed and a tenth with a number from the TPS file."""
    entries = folder / "suppressed.csv"
    emails = [f"gone{n}@example.com" for n in range(suppressed)]
    with entries.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["email"])
        writer.writerows([e] for e in emails)
    listed: list[str] = []
    with tps_file.open(encoding="ascii") as stream:
        for line in stream:
            listed.append(line.strip())
            if len(listed) >= max(rows // 10, 1):
                break
    contacts = folder / "list.csv"
    phones: list[str] = []
    with contacts.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["email", "phone", "first_name"])
        for n in range(rows):
            email = rng.choice(emails) if n % 10 == 0 else f"person{n}@example.org"
            phone = rng.choice(listed) if n % 10 == 5 else number(rng)
            phones.append(phone)
            writer.writerow([email, phone, "Sam"])
    return entries, contacts, phones


def api_ratio(runtime: Runtime, policy: Path, requests: int) -> dict[str, object]:
    """Requests per second of the consent check and of a bare endpoint, and their ratio."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from dataward.accounts import tokens
    from dataward.accounts.roles import Role
    from dataward.app import create_app

    runtime.settings = runtime.settings.model_copy(update={"policy": policy})
    with runtime.transaction() as session:
        _, token = tokens.create_token(
            session=session, clock=runtime.clock, name="bench", role=Role.SOURCE, actor="bench"
        )
    bare = FastAPI()

    @bare.post("/check")
    def bare_check() -> dict[str, bool]:
        return {"ok": True}

    body = {"email": "person7@example.org", "channel": "marketing"}
    headers = {"Authorization": f"Bearer {token}"}
    apps = {"bare": (bare, "/check"), "consent_check": (create_app(runtime), "/api/v1/comms/check")}
    wall = dict.fromkeys(apps, 0.0)
    cpu = dict.fromkeys(apps, 0.0)
    rounds = 4  # interleaved, so that a burst of load elsewhere falls on both alike
    with TestClient(bare) as bare_client, TestClient(apps["consent_check"][0]) as check_client:
        clients = {"bare": bare_client, "consent_check": check_client}
        for name, client in clients.items():
            first = client.post(apps[name][1], json=body, headers=headers)
            if first.status_code != 200:
                raise StepFailed(f"api {name}", f"{first.status_code} {first.text[:300]}")
            for _ in range(min(requests // 10, 100)):  # warm up
                client.post(apps[name][1], json=body, headers=headers)
        for _ in range(rounds):
            for name, client in clients.items():
                path = apps[name][1]
                started, used = time.perf_counter(), time.process_time()
                for _ in range(requests // rounds):
                    client.post(path, json=body, headers=headers)
                wall[name] += time.perf_counter() - started
                cpu[name] += time.process_time() - used
    done = rounds * (requests // rounds)
    return {
        "api_requests": done,
        "bare_requests_per_s": round(done / wall["bare"]),
        "consent_check_requests_per_s": round(done / wall["consent_check"]),
        "consent_check_ratio": round(wall["bare"] / wall["consent_check"], 2),
        # CPU time of this process (the client, the app and its threads) per request: the
        # same ratio, steadier on a shared machine.
        "bare_cpu_us_per_request": round(cpu["bare"] / done * 1e6),
        "consent_check_cpu_us_per_request": round(cpu["consent_check"] / done * 1e6),
        "consent_check_cpu_ratio": round(cpu["bare"] / cpu["consent_check"], 2),
    }


def comms_available(env: dict[str, str]) -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", LAUNCHER, "comms", "screen", "--help"],
        env=env,
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tps-numbers", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--suppressed", type=int, default=10_000)
    parser.add_argument("--api-requests", type=int, default=2_000)
    parser.add_argument("--screen-rows", type=int, help="comms screen only the first N rows")
    parser.add_argument("--full", action="store_true", help="18M / 1M / 100k")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--postgres",
        default=os.environ.get("DATAWARD_TEST_POSTGRES_URL"),
        help="a PostgreSQL server to make a scratch database on "
        "(default: DATAWARD_TEST_POSTGRES_URL when set, else SQLite)",
    )
    where.add_argument(
        "--sqlite", action="store_true", help="SQLite even when DATAWARD_TEST_POSTGRES_URL is set"
    )
    options = parser.parse_args()
    if options.full:
        options.tps_numbers, options.rows, options.suppressed = 18_000_000, 1_000_000, 100_000
    server = None if options.sqlite else options.postgres
    result: dict[str, object] = {"database": "postgresql" if server else "sqlite"}
    status = 0
    try:
        run(options, server, result)
    except Exception as exc:  # a benchmark that fails says so, with the figures it has
        if isinstance(exc, StepFailed):
            result["failed"] = str(exc)
        else:
            step = result.get("step", "setup")
            result["failed"] = f"{step}: {type(exc).__name__}: {exc}"
        status = 1
    result.pop("step", None)
    print(json.dumps(result), flush=True)
    if status:
        print(f"bench/consent.py failed: {result['failed']}", file=sys.stderr)
    sys.exit(status)


def run(options: argparse.Namespace, server: str | None, result: dict[str, object]) -> None:
    """Each step in turn, its figures added to `result` as soon as they are known (and
    result["step"] naming the step under way, for the report of a failure)."""
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as scratch, contextmanager_or_none(server) as pg:
        folder = Path(scratch)
        home = folder / "home"
        env = {**os.environ, "DATAWARD_HOME": str(home), "DATAWARD_NOW": NOW.isoformat()}
        env.pop("DATAWARD_DATABASE_URL", None)
        if pg is not None:
            env["DATAWARD_DATABASE_URL"] = pg
        result["step"] = "init"
        measured(env, "init")
        result["step"] = "writing the files"
        tps_file = folder / "tps.txt"
        write_tps(tps_file, options.tps_numbers, rng)
        entries, contacts, phones = write_lists(
            folder, options.rows, options.suppressed, tps_file, rng
        )
        as_of = NOW.date().isoformat()
        result["step"] = "tps import"
        load_s, load_mb, loaded, load_cpu = measured(
            env, "tps", "import", str(tps_file), "--list", "tps", "--as-of", as_of, "--json"
        )
        result |= {
            "tps_numbers": options.tps_numbers,
            "tps_rows_loaded": json.loads(loaded)["rows"],
            "tps_import_s": round(load_s, 1),
            "tps_import_cpu_s": round(load_cpu, 1),
            "tps_import_peak_mb": round(load_mb, 1),
            "tps_import_numbers_per_s": round(options.tps_numbers / load_s),
        }
        # CTPS is far smaller (organisations only): a file a twentieth of the size.
        ctps_file = folder / "ctps.txt"
        write_tps(ctps_file, max(options.tps_numbers // 20, 1), rng)
        ctps_s, _, _, _ = measured(
            env, "tps", "import", str(ctps_file), "--list", "ctps", "--as-of", as_of, "--json"
        )
        result |= {
            "ctps_numbers": max(options.tps_numbers // 20, 1),
            "ctps_import_s": round(ctps_s, 1),
        }
        import_s, import_mb, _, _ = measured(
            env, "suppression", "import", str(entries), "--reason", "bench", "--json"
        )
        result |= {
            "suppression_entries": options.suppressed,
            "suppression_import_s": round(import_s, 1),
            "suppression_import_peak_mb": round(import_mb, 1),
        }
        filter_s, filter_mb, filtered, filter_cpu = measured(
            env, "suppression", "filter", str(contacts), "--out", str(folder / "allowed.csv"),
            "--json",
        )  # fmt: skip
        result |= {
            "list_rows": options.rows,
            "suppression_filter_s": round(filter_s, 1),
            "suppression_filter_cpu_s": round(filter_cpu, 1),
            "suppression_filter_peak_mb": round(filter_mb, 1),
            "suppression_filter_dropped": json.loads(filtered)["dropped"],
        }
        result["step"] = "tps.listed_numbers"
        settings = Settings(home=home, environment="test", database_url=pg)
        url = settings.resolved_database_url
        runtime = Runtime.on_engine(settings, make_engine(url), FixedClock(NOW))
        try:
            started = time.perf_counter()
            with runtime.transaction() as session:
                keys = [tps.number_key(p) for p in phones]
                listed = tps.listed_numbers(session=session, list_name="tps", keys=keys)
            result |= {
                "tps_bulk_screen_s": round(time.perf_counter() - started, 1),
                "tps_bulk_screen_listed": len(listed),
            }
            if not comms_available(env):
                result["comms"] = "not measured: this Dataward has no comms screen"
                return
            result["step"] = "comms screen"
            screened_list = contacts
            if options.screen_rows:
                screened_list = folder / "screened.csv"
                with contacts.open(encoding="utf-8") as source:
                    head = [next(source) for _ in range(options.screen_rows + 1)]
                screened_list.write_text("".join(head), encoding="utf-8")
            screen_s, screen_mb, screened, screen_cpu = measured(
                env, "comms", "screen", str(screened_list), "--channel", "telemarketing",
                "-p", str(policy_path("voip")), "--out", str(folder / "callable.csv"),
                "--report", str(folder / "report.json"), "--json",
            )  # fmt: skip
            kept = json.loads(screened)
            result |= {
                "comms_screen_rows": options.screen_rows or options.rows,
                "comms_screen_s": round(screen_s, 1),
                "comms_screen_cpu_s": round(screen_cpu, 1),
                "comms_screen_peak_mb": round(screen_mb, 1),
                "comms_screen_summary": {k: v for k, v in kept.items() if k != "rows"},
            }
            result["step"] = "api"
            result |= api_ratio(runtime, policy_path("msp"), options.api_requests)
        finally:
            runtime.engine.dispose()


@contextmanager
def contextmanager_or_none(server: str | None) -> Iterator[str | None]:
    if server is None:
        yield None
        return
    with scratch_database(server) as url:
        yield url


if __name__ == "__main__":
    main()
