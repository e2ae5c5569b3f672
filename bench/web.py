"""Web benchmark: `dataward serve` under 10 concurrent clients on 127.0.0.1.

    .venv/bin/python bench/web.py [--requests 1000] [--clients 10]

Starts `dataward serve` on a fresh home (SQLite, `dataward init`, an admin API token), then
sends the mixed requests from `--clients` threads, each with its own keep-alive connection:
a public page (the privacy centre's home once it exists, else the sign-in page), an API list
(the rights requests once they exist, else the API tokens), /health, a static file and
/api/v1/me. Prints one JSON line: the server's resident memory after the run (and its peak),
p50/p95 latency of the public page and of the API list, and requests per second overall.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

PUBLIC_PAGES = ("/", "/console/sign-in")
API_LISTS = ("/api/v1/requests", "/api/v1/tokens")


def dataward() -> list[str]:
    script = Path(sys.executable).with_name("dataward")
    if script.exists():
        return [str(script)]
    found = shutil.which("dataward")
    return [found] if found else [sys.executable, "-m", "dataward.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run(argv: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([*dataward(), *argv], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"dataward {' '.join(argv)} failed: {done.stderr[-500:]}")
    return done.stdout


def memory_mb(pid: int) -> dict[str, float]:
    """Resident and peak resident memory of a process, from /proc (Linux)."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = round(int(value.split()[0]) / 1024, 1)
    return found


def first_answering(client: httpx.Client, paths: tuple[str, ...], headers: dict[str, str]) -> str:
    for path in paths:
        if client.get(path, headers=headers).status_code == 200:
            return path
    raise SystemExit(f"none of {', '.join(paths)} answered 200")


def wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("dataward serve exited before answering")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit("dataward serve did not answer /health within 60 s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return round(ordered[index] * 1000, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="dataward-bench-web-"))
    env = {**os.environ, "DATAWARD_HOME": str(home)}
    env.pop("DATAWARD_DATABASE_URL", None)
    run(["init"], env)
    token = json.loads(
        run(["tokens", "create", "--role", "admin", "--name", "bench", "--json"], env)
    )
    auth = {"Authorization": f"Bearer {token['token']}"}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*dataward(), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(url, server)
        with httpx.Client(base_url=url) as probe:
            public = first_answering(probe, PUBLIC_PAGES, {})
            api = first_answering(probe, API_LISTS, auth)
        before = memory_mb(server.pid)
        mix = [
            ("public", public, {}),
            ("api", api, auth),
            ("public", public, {}),
            ("api", api, auth),
            ("health", "/health", {}),
            ("static", "/static/dataward.css", {}),
            ("me", "/api/v1/me", auth),
        ]
        plan = list(itertools.islice(itertools.cycle(mix), args.requests))
        shares = [plan[i :: args.clients] for i in range(args.clients)]
        timings: dict[str, list[float]] = defaultdict(list)
        failures = 0

        def client_run(share: list[tuple[str, str, dict[str, str]]]) -> None:
            nonlocal failures
            with httpx.Client(base_url=url, timeout=30) as client:
                for kind, path, headers in share:
                    started = time.perf_counter()
                    answer = client.get(path, headers=headers)
                    timings[kind].append(time.perf_counter() - started)
                    if answer.status_code != 200:
                        failures += 1

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(client_run, shares))
        elapsed = time.perf_counter() - started
        after = memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(home, ignore_errors=True)
    print(
        json.dumps(
            {
                "requests": args.requests,
                "clients": args.clients,
                "failures": failures,
                "rss_mb_before": before.get("VmRSS"),
                "rss_mb_after": after.get("VmRSS"),
                "rss_mb_peak": after.get("VmHWM"),
                "public_page": public,
                "public_p50_ms": percentile(timings["public"], 0.5),
                "public_p95_ms": percentile(timings["public"], 0.95),
                "api_list": api,
                "api_p50_ms": percentile(timings["api"], 0.5),
                "api_p95_ms": percentile(timings["api"], 0.95),
                "requests_per_second": round(args.requests / elapsed, 1),
                "mean_ms": round(statistics.fmean(itertools.chain(*timings.values())) * 1000, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
