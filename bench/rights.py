"""Rights-request benchmark: access and erasure over a large population in four real systems.

    .venv/bin/python bench/rights.py [--people 1000000] [--requests 20] [--data DIR]
                                     [--postgres URL] [--mariadb URL] [--rebuild]

About 11 rows per person in 12 collections: a CRM in PostgreSQL (customers, tickets, ticket
notes, devices, sites), billing in MariaDB (accounts, invoices, payments, addresses), a
newsletter list in SQLite (subscribers, clicks) and call recordings as a folder of files with a
SQLite index. The sources are bulk-loaded once (COPY, LOAD DATA LOCAL INFILE, executemany) and
reused while the population size matches (the SQLite files and the recordings folder under
--data, by default dataward-bench-rights in the temporary directory). Servers default to
DATAWARD_TEST_POSTGRES_URL and DATAWARD_TEST_MARIADB_URL.

Dataward's own database is a scratch PostgreSQL database. Each request is timed four ways, warm:
`in_process` runs it as a worker runs it, in the bench process (connectors kept open between
requests): the search over every collection, one task per system, the package or the erasure,
the audit events and Dataward's own commits. `worker` and `serve` queue it through the service
layer and time the job in a running `dataward worker` / `dataward serve` from queued to finished
(rights_processes.py); `cli` runs `dataward rights access|erase` as a fresh process, start to
exit (--cli-requests of each), and `cli_warm` does the same with a `dataward warm` process
running for the home, which the fresh process hands the command to. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from rights_policy import policy_document
from rights_population import ROWS_PER_PERSON, build, email, phone
from rights_processes import (
    CLIENT,
    dataward_home,
    free_port,
    runtime_of,
    through_cli,
    through_runner,
    warm_process,
)

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.db import make_sessionmaker
from dataward.policy.service import load_policy
from dataward.rights import service
from dataward.rights.context import ConnectorCache, ExecutionContext
from dataward.rights.execution import run_request
from dataward.rights.models import RequestKind, RequestState
from dataward.rights.schemas import RequesterIdentities


def present(urls: dict[str, str], people: int, wanted: int, rng: random.Random) -> list[int]:
    """`wanted` people still in the CRM (earlier runs erased some)."""
    engine = sa.create_engine(urls["crm"])
    chosen: list[int] = []
    with engine.connect() as connection:
        while len(chosen) < wanted:
            candidates = [rng.randint(1, people) for _ in range(wanted * 2)]
            found = connection.execute(
                sa.text("SELECT id FROM customers WHERE id = ANY(:ids)"), {"ids": candidates}
            ).scalars()
            for i in found:
                if i not in chosen and len(chosen) < wanted:
                    chosen.append(int(i))
    engine.dispose()
    return chosen


def give_files(folder: Path, people: Iterable[int]) -> None:
    """The audio of the sampled people's recordings (only they are read, so only they exist)."""
    for i in people:
        if i % 2 == 1:
            (folder / f"rec-{(i + 1) // 2:07d}.wav").write_bytes(
                b"RIFF" + secrets.token_bytes(4000)
            )


def quantiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_s": round(statistics.median(ordered), 4), "p95_s": round(p95, 4)}


def measure(args: argparse.Namespace, urls: dict[str, str], data: Path) -> dict[str, Any]:
    environ = {
        **os.environ,
        "BENCH_CRM_URL": urls["crm"],
        "BENCH_BILLING_URL": urls["billing"],
        "BENCH_MARKETING_URL": urls["marketing"],
        "BENCH_CALLS_DIR": str(data / "calls"),
    }
    policy_file = data / "dataward.yaml"
    policy_file.write_text(yaml.safe_dump(policy_document(), sort_keys=False))
    loaded = load_policy(policy_file)
    rng = random.Random(args.seed + int(time.time()))
    per_runner = 2 + 2 * args.requests
    sample = present(urls, args.people, 3 * per_runner + 4 * args.cli_requests, rng)
    give_files(data / "calls", sample)
    systems = {k: v for k, v in environ.items() if k.startswith("BENCH_")}
    with (
        tempfile.TemporaryDirectory() as home,
        dataward_home(args.postgres, Path(home), systems) as dataward_env,
    ):
        rt = runtime_of(dataward_env)
        engine = rt.engine
        sessions = make_sessionmaker(engine)
        keyring = Keyring.from_settings(rt.settings)
        clock = FixedClock(datetime(2026, 3, 2, 10, tzinfo=UTC))
        cache = ConnectorCache()

        statements = [0]

        def count(*_args: Any) -> None:
            statements[0] += 1

        # Statements sent to Dataward's own database while a request runs.
        sa.event.listen(engine, "before_cursor_execute", count)

        def one(kind: RequestKind, i: int) -> tuple[float, int, int, int]:
            with sessions() as session:
                request = service.open_request(
                    session=session,
                    keyring=keyring,
                    clock=clock,
                    actor="bench",
                    kind=kind,
                    identities=RequesterIdentities(email=email(i), phone=phone(i)),
                    policy=loaded,
                )
                # Staff vouch for both identities, as the direct commands do: both are searched.
                service.assert_identities(
                    session=session,
                    keyring=keyring,
                    clock=clock,
                    request=request,
                    actor="bench",
                    evidence="bench",
                )
                session.commit()
                ctx = ExecutionContext(
                    session=session,
                    keyring=keyring,
                    clock=clock,
                    home=Path(home),
                    actor="bench",
                    loaded=loaded,
                    environ=environ,
                    commit=session.commit,
                    connectors=cache,
                )
                statements[0] = 0
                started = time.perf_counter()
                outcome = run_request(ctx=ctx, request=request)
                elapsed = time.perf_counter() - started
                sent = statements[0]
                if request.state != RequestState.AWAITING_REVIEW:
                    raise SystemExit(f"request for person {i} did not finish: {outcome.failed}")
                assert outcome.found is not None
                return elapsed, outcome.found.rows_scanned, len(outcome.found.records), sent

        def share(start: int) -> tuple[list[int], dict[RequestKind, list[int]]]:
            n = args.requests
            return sample[start : start + 2], {
                RequestKind.ACCESS: sample[start + 2 : start + 2 + n],
                RequestKind.ERASURE: sample[start + 2 + n : start + 2 + 2 * n],
            }

        warm, mine = share(0)
        for i in warm:
            one(RequestKind.ACCESS, i)
        access = [one(RequestKind.ACCESS, i) for i in mine[RequestKind.ACCESS]]
        erasure = [one(RequestKind.ERASURE, i) for i in mine[RequestKind.ERASURE]]
        cache.close()
        engine.dispose()
        worker = through_runner(
            ["worker", "--no-schedule"], dataward_env, loaded, *_swap(share(per_runner))
        )
        serve = through_runner(
            ["serve", "--port", str(free_port())],
            dataward_env,
            loaded,
            *_swap(share(2 * per_runner)),
        )
        rest = sample[3 * per_runner :]
        cli = through_cli(
            dataward_env,
            policy_file,
            {
                RequestKind.ACCESS: rest[: args.cli_requests],
                RequestKind.ERASURE: rest[args.cli_requests : 2 * args.cli_requests],
            },
        )
        with warm_process(dataward_env):
            cli_warm = through_cli(
                dataward_env,
                policy_file,
                {
                    RequestKind.ACCESS: rest[2 * args.cli_requests : 3 * args.cli_requests],
                    RequestKind.ERASURE: rest[3 * args.cli_requests :],
                },
                CLIENT,
            )
    return {
        "in_process": {
            "access": quantiles([a[0] for a in access]),
            "erasure": quantiles([e[0] for e in erasure]),
        },
        "worker": worker,
        "serve": serve,
        "cli": cli,
        "cli_warm": cli_warm,
        "rows_scanned_per_request": statistics.median(a[1] for a in access),
        "own_statements_per_request": {
            "access": statistics.median(a[3] for a in access),
            "erasure": statistics.median(e[3] for e in erasure),
        },
        "records_found_per_request": statistics.median(a[2] for a in access),
    }


def _swap(
    shared: tuple[list[int], dict[RequestKind, list[int]]],
) -> tuple[dict[RequestKind, list[int]], list[int]]:
    return shared[1], shared[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20, help="Of each kind, each way.")
    parser.add_argument(
        "--cli-requests", type=int, default=3, help="Of each kind as a fresh CLI process."
    )
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "dataward-bench-rights"
    )
    parser.add_argument("--postgres", default=os.environ.get("DATAWARD_TEST_POSTGRES_URL"))
    parser.add_argument("--mariadb", default=os.environ.get("DATAWARD_TEST_MARIADB_URL"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.postgres or not args.mariadb:
        parser.error("give --postgres and --mariadb server URLs (or set DATAWARD_TEST_*_URL)")
    data = args.data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    urls, built = build(args, data)
    figures = measure(args, urls, data)
    total = round(sum(ROWS_PER_PERSON.values()) * args.people)
    result = {
        "bench": "rights",
        "people": args.people,
        "rows": total,
        "collections": len(ROWS_PER_PERSON),
        "systems": {
            "crm": "postgresql",
            "billing": "mariadb",
            "marketing": "sqlite",
            "calls": "files",
        },
        "build_s": round(built, 1),
        "requests": args.requests,
        **figures,
        # Warm, request to package, through a running worker or server.
        "targets": {"access_s": 0.05, "erasure_s": 0.08, "cli_access_s": 0.5},
        "ok": all(
            figures[way]["access"]["median_s"] <= 0.05
            and figures[way]["erasure"]["median_s"] <= 0.08
            for way in ("worker", "serve")
        ),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
