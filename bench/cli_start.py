"""CLI start-up benchmark: how long a user waits for the commonest short commands.

    .venv/bin/python bench/cli_start.py [--runs 5]

Each command runs in fresh processes; the wall time is the median of `--runs`, beside the
median CPU seconds (user + system), which a busy machine disturbs less. The module count comes
from one more run with PYTHONPROFILEIMPORTTIME, which lists every module the process imported.
Then `help` and `check` again with `dataward warm` running for the home (`*_warm_seconds`): the
fresh process hands the command over. Prints one JSON line.
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
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def warm(env: dict[str, str]) -> Iterator[None]:
    """`dataward warm` running for the home in `env`, ready once its socket is there."""
    process = subprocess.Popen(
        [*dataward(), "warm", "--quiet"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    socket = Path(env["DATAWARD_HOME"]) / "warm.sock"
    try:
        while not socket.exists():
            if process.poll() is not None:
                error = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"`dataward warm` did not start: {error[-500:]}")
            time.sleep(0.02)
        yield
    finally:
        process.terminate()
        process.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    result: dict[str, object] = {"runs": args.runs}
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "COLUMNS": "100", "DATAWARD_HOME": home}
        for name, argv in commands().items():
            runs = [seconds(argv, env) for _ in range(args.runs)]
            result[f"{name}_seconds"] = round(statistics.median(wall for wall, _ in runs), 3)
            result[f"{name}_cpu_seconds"] = round(statistics.median(cpu for _, cpu in runs), 3)
            result[f"{name}_modules"] = modules(argv, env)
        with warm(env):
            for name in ("help", "check"):
                argv = commands()[name]
                walls = [seconds(argv, env)[0] for _ in range(args.runs)]
                result[f"{name}_warm_seconds"] = round(statistics.median(walls), 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
