"""One rights request timed as users meet it: a fresh `dataward rights access|erase` process, a
running `dataward worker`, a running `dataward serve`. Dataward's own database is a scratch
PostgreSQL database. The bench process opens and verifies each request through the service
layer (which queues its job, as the web form will); the figure is the job's time in the database
from being queued to being finished, so it covers the wake-up, the run and the package."""

from __future__ import annotations

import base64
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from rights_population import email, phone
from sqlalchemy.engine import make_url

from dataward.client import SOCKET_NAME
from dataward.core import jobs
from dataward.core.clock import SystemClock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.policy.service import LoadedPolicy
from dataward.rights import service
from dataward.rights.models import RequestKind, RequestState, RightsRequest
from dataward.rights.schemas import RequesterIdentities

CLI = [sys.executable, "-m", "dataward.cli"]
# The `dataward` command as installed: a warm process's client, or the CLI itself without one.
CLIENT = [sys.executable, "-m", "dataward.client"]


@contextmanager
def dataward_home(
    server: str, folder: Path, systems: Mapping[str, str]
) -> Iterator[dict[str, str]]:
    """A Dataward home on a scratch PostgreSQL database, initialised; its environment."""
    url = make_url(server)
    name = f"dw_bench_dataward_{os.getpid()}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    env = {
        **os.environ,
        **systems,
        "DATAWARD_HOME": str(folder),
        "DATAWARD_DATABASE_URL": url.set(database=name).render_as_string(hide_password=False),
        "DATAWARD_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode("ascii"),
    }
    env.pop("DATAWARD_NOW", None)
    try:
        subprocess.run([*CLI, "init"], env=env, check=True, capture_output=True)
        yield env
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def runtime_of(env: Mapping[str, str]) -> Runtime:
    settings = Settings(
        home=Path(env["DATAWARD_HOME"]),
        database_url=env["DATAWARD_DATABASE_URL"],
        master_key=env["DATAWARD_MASTER_KEY"],
    )
    return Runtime(settings=settings, clock=SystemClock())


def queue_request(
    rt: Runtime, keyring: Keyring, loaded: LoadedPolicy, kind: RequestKind, i: int
) -> tuple[int, int]:
    """Open and verify a request for person `i` (which queues its job); its id and the job's."""
    with rt.transaction() as session:
        request = service.open_request(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            actor="bench",
            kind=kind,
            identities=RequesterIdentities(email=email(i), phone=phone(i)),
            policy=loaded,
        )
        # Staff vouch for both identities, as the direct commands do: both are searched.
        service.assert_identities(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            request=request,
            actor="bench",
            evidence="bench",
        )
        session.flush()
        job = session.scalar(
            sa.select(jobs.Job)
            .where(jobs.Job.payload["request_id"].as_integer() == request.id)
            .order_by(jobs.Job.id.desc())
        )
        assert job is not None
        return request.id, job.id


def wait_for_job(
    rt: Runtime, request_id: int, job_id: int, seconds: float = 60.0
) -> tuple[float, float]:
    """The job's seconds from queued to finished, and to started (claimed by the runner), once
    it has finished with the request done."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with rt.transaction() as session:
            job = session.get(jobs.Job, job_id)
            assert job is not None
            if job.state in (jobs.JobState.DONE, jobs.JobState.FAILED):
                request = session.get(RightsRequest, request_id)
                assert request is not None
                if request.state != RequestState.AWAITING_REVIEW:
                    raise SystemExit(f"job {job_id} ended with {job.last_error}")
                assert job.finished_at is not None and job.started_at is not None
                return (
                    (job.finished_at - job.created_at).total_seconds(),
                    (job.started_at - job.created_at).total_seconds(),
                )
        time.sleep(0.005)
    raise SystemExit(f"job {job_id} did not finish within {seconds} s")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def figures(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_s": round(statistics.median(ordered), 4), "p95_s": round(p95, 4)}


def through_runner(
    command: list[str],
    env: Mapping[str, str],
    loaded: LoadedPolicy,
    people: dict[RequestKind, list[int]],
    warm: list[int],
) -> dict[str, dict[str, float]]:
    """Requests run by a `worker` or `serve` process, after `warm` access requests."""
    rt = runtime_of(env)
    keyring = Keyring.from_settings(rt.settings)
    process = subprocess.Popen(
        [*CLI, *command], env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()  # its banner: it is up
        time.sleep(1.0)  # and listening
        for i in warm:
            wait_for_job(rt, *queue_request(rt, keyring, loaded, RequestKind.ACCESS, i))
        out: dict[str, dict[str, float]] = {}
        for kind, persons in people.items():
            times = [
                wait_for_job(rt, *queue_request(rt, keyring, loaded, kind, i)) for i in persons
            ]
            out[kind.value] = {
                **figures([t[0] for t in times]),
                "queued_median_s": round(statistics.median(t[1] for t in times), 4),
            }
        return out
    finally:
        process.terminate()
        process.wait(20)
        rt.engine.dispose()


def identified(i: int) -> list[str]:
    # Staff at the server say what tied the phone to the person, as the command requires.
    return ["--email", email(i), "--phone", phone(i), "--evidence", "bench: called back"]


@contextmanager
def warm_process(env: Mapping[str, str]) -> Iterator[None]:
    """A running `dataward warm` for this home, ready when its socket answers."""
    process = subprocess.Popen(
        [*CLI, "warm", "--quiet"], env=dict(env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    path = Path(env["DATAWARD_HOME"]).resolve() / SOCKET_NAME
    try:
        deadline = time.monotonic() + 60
        while not path.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                raise SystemExit(f"`dataward warm` did not start: {output[-500:]}")
            time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(20)


def through_cli(
    env: Mapping[str, str],
    policy: Path,
    people: dict[RequestKind, list[int]],
    command: list[str] = CLI,
) -> dict[str, dict[str, float]]:
    """Each request as `dataward rights access|erase` in a fresh process, start to exit."""
    verbs = {RequestKind.ACCESS: "access", RequestKind.ERASURE: "erase"}
    out: dict[str, dict[str, float]] = {}
    for kind, persons in people.items():
        times = []
        for i in persons:
            started = time.perf_counter()
            argv = ["rights", verbs[kind], "--policy", str(policy), *identified(i), "--json"]
            done = subprocess.run(
                [*command, *argv],
                env=dict(env),
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - started)
            if done.returncode != 0:
                raise SystemExit(
                    f"`dataward rights {verbs[kind]}` failed: {(done.stdout + done.stderr)[-500:]}"
                )
        out[kind.value] = figures(times)
    return out
