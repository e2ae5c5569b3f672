"""A queued job is picked up at once, not at the runner's next poll: in the process that queued
it, and (PostgreSQL's LISTEN/NOTIFY) in a `worker` or `serve` process of its own."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from dataward.cli import app
from dataward.core import jobs
from dataward.core.clock import SystemClock
from dataward.core.config import Settings
from dataward.core.runtime import Runtime
from dataward.core.wakeup import Listener, Wakeup

# Far longer than a wake-up may take: a job started within QUICK was woken, not polled for.
POLL_SECONDS = 5.0
QUICK = timedelta(seconds=0.5)


def _wake(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    return None


HANDLERS: jobs.Handlers = {"test.wake": _wake}


def _wait_for_end(rt: Runtime, job_id: int, seconds: float = 15.0) -> jobs.Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with rt.transaction() as session:
            job = session.get(jobs.Job, job_id)
            assert job is not None
            if job.state in (jobs.JobState.DONE, jobs.JobState.FAILED):
                return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish within {seconds} s")


def test_wakeup_remembers_a_ring_that_came_before_the_wait() -> None:
    bell = Wakeup()
    seen = bell.generation
    bell.ring()
    started = time.monotonic()
    assert bell.wait(seen, timeout=POLL_SECONDS)
    assert time.monotonic() - started < 1


def test_a_job_queued_in_this_process_starts_at_once(runtime: Runtime) -> None:
    rt = Runtime.on_engine(runtime.settings, runtime.engine, SystemClock())
    runner = jobs.BackgroundRunner(rt, handlers=HANDLERS, poll_seconds=POLL_SECONDS)
    runner.start()
    try:
        time.sleep(0.5)  # the runner has found the queue empty and is waiting
        with rt.transaction() as session:
            job = jobs.enqueue(session=session, clock=rt.clock, kind="test.wake", payload={})
        done = _wait_for_end(rt, job.id)
    finally:
        runner.stop()
    assert done.state == jobs.JobState.DONE
    assert done.started_at is not None
    assert done.started_at - done.created_at < QUICK


def test_a_job_queued_in_a_rolled_back_transaction_rings_nobody(runtime: Runtime) -> None:
    from dataward.core.wakeup import WAKEUP

    seen = WAKEUP.generation
    with pytest.raises(ZeroDivisionError), runtime.transaction() as session:
        jobs.enqueue(session=session, clock=runtime.clock, kind="test.wake", payload={})
        _ = 1 / 0
    assert WAKEUP.generation == seen


@pytest.fixture
def postgres_home(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A Dataward home on a scratch PostgreSQL database, initialised, as a user's environment."""
    server = os.environ.get("DATAWARD_TEST_POSTGRES_URL")
    if not server:
        pytest.skip("DATAWARD_TEST_POSTGRES_URL is not set: LISTEN/NOTIFY tests skipped")
    url = make_url(server)
    name = f"dataward_wake_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    env = {
        **os.environ,
        "DATAWARD_HOME": str(tmp_path / "home"),
        "DATAWARD_DATABASE_URL": url.set(database=name).render_as_string(hide_password=False),
        "DATAWARD_JOB_POLL_SECONDS": str(POLL_SECONDS),
    }
    env.pop("DATAWARD_NOW", None)
    try:
        result = CliRunner().invoke(app, ["init"], env=env)
        assert result.exit_code == 0, result.output
        yield env
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("command", [["worker", "--no-schedule"], ["serve", "--port"]])
def test_a_job_queued_by_another_process_wakes_a_postgresql_runner(
    postgres_home: dict[str, str], command: list[str]
) -> None:
    if command[0] == "serve":
        command = [*command, str(_free_port())]
    process = subprocess.Popen(
        [sys.executable, "-m", "dataward.cli", *command],
        env=postgres_home,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    settings = Settings(
        home=Path(postgres_home["DATAWARD_HOME"]),
        database_url=postgres_home["DATAWARD_DATABASE_URL"],
    )
    rt = Runtime(settings=settings, clock=SystemClock())
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert "taking jobs" in banner or "Dataward on" in banner, banner
        # Long enough for the runner to find the queue empty and settle into its poll wait.
        time.sleep(2.0)
        with rt.transaction() as session:
            # No process knows this kind: the job fails at once, which is all this needs.
            job = jobs.enqueue(
                session=session, clock=rt.clock, kind="test.nobody", payload={}, max_attempts=1
            )
        done = _wait_for_end(rt, job.id)
    finally:
        process.terminate()
        process.wait(15)
        rt.engine.dispose()
    assert done.state == jobs.JobState.FAILED
    assert done.started_at is not None
    assert done.started_at - done.created_at < QUICK


def test_a_listener_that_cannot_connect_leaves_runners_polling() -> None:
    """No server where the database should be: no wake-ups, no crash, and it stops cleanly."""
    engine = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/nothing")
    bell = Wakeup()
    listener = Listener(engine, bell=bell, retry_seconds=0.1)
    listener.start()
    time.sleep(0.5)
    listener.stop()
    assert not listener.listening.is_set()
    assert bell.generation == 0
    assert not listener._thread.is_alive()
