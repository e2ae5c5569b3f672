"""CLI start-up benchmark: how long a user waits for the commonest short commands.

    .venv/bin/python bench/cli_start.py [--runs 5]

Each command runs in fresh processes (no warm interpreter); the wall time is the median of
`--runs`, beside the median CPU seconds (user + system), which a busy machine disturbs less.
The module count comes from one more run with PYTHONPROFILEIMPORTTIME, which lists every
module the process imported. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "src" / "dataward" / "examples" / "businesses" / "support" / "dataward.yaml"


def dataward() -> list[str]:
    """The installed `dataward` script beside this interpreter, as a user would run it."""
    script = Path(sys.executable).with_name("dataward")
    if script.exists():
        return [str(script)]
    found = shutil.which("dataward")
    return [found] if found else [sys.executable, "-m", "dataward.cli"]


def commands() -> dict[str, list[str]]:
    return {
        "help": [*dataward(), "--help"],
        "check": [*dataward(), "check", str(POLICY)],
        "import_cli": [sys.executable, "-c", "import dataward.cli"],
    }


def seconds(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, check=False)
    took = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


def modules(argv: list[str], env: dict[str, str]) -> int:
    done = subprocess.run(
        argv, env={**env, "PYTHONPROFILEIMPORTTIME": "1"}, capture_output=True, check=True
    )
    lines = done.stderr.decode().splitlines()
    return sum(1 for line in lines if line.startswith("import time:") and "|" in line) - 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "COLUMNS": "100"}
    result: dict[str, object] = {"runs": args.runs}
    for name, argv in commands().items():
        runs = [seconds(argv, env) for _ in range(args.runs)]
        result[f"{name}_seconds"] = round(statistics.median(wall for wall, _ in runs), 3)
        result[f"{name}_cpu_seconds"] = round(statistics.median(cpu for _, cpu in runs), 3)
        result[f"{name}_modules"] = modules(argv, env)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
