"""`dataward init`, `serve` and `jobs` as a user runs them: real processes, real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from dataward.cli import app
from dataward.core import jobs
from dataward.core.clock import SystemClock
from dataward.core.config import Settings
from dataward.core.runtime import Runtime

runner = CliRunner()


@pytest.fixture
def user_env(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    home = tmp_path / "home"
    monkeypatch.setenv("DATAWARD_HOME", str(home))
    monkeypatch.setenv("DATAWARD_DATABASE_URL", empty_database_url)
    return {**os.environ, "DATAWARD_HOME": str(home), "DATAWARD_DATABASE_URL": empty_database_url}


def _head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from dataward.core.migrate import MIGRATIONS

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_refuses_a_database_that_was_never_initialised(user_env: dict[str, str]) -> None:
    result = runner.invoke(app, ["serve", "--port", str(_free_port())])
    assert result.exit_code == 2
    assert "run `dataward init` first" in result.output


@pytest.mark.slow
def test_serve_answers_health_after_init(user_env: dict[str, str]) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dataward.cli", "serve", "--port", str(port)],
        env={**user_env, "DATAWARD_HEALTH_TOKEN": "health-check-token"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        body: dict[str, object] = {}
        while time.monotonic() < deadline:
            try:
                body = httpx.get(
                    f"http://127.0.0.1:{port}/health",
                    headers={"Authorization": "Bearer health-check-token"},
                    timeout=2,
                ).json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert body.get("status") == "ok", "the server did not answer /health within 30 s"
        assert body["revision"] == _head_revision()
    finally:
        server.terminate()
        server.wait(10)


def test_jobs_list_shows_a_failed_job_and_retry_queues_it_again(user_env: dict[str, str]) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    rt = Runtime(settings=Settings(), clock=SystemClock())
    with rt.transaction() as session:
        job = jobs.enqueue(
            session=session, clock=rt.clock, kind="no.such.kind", payload={}, max_attempts=1
        )
    jobs.run_one(rt, handlers={})
    listed = runner.invoke(app, ["jobs", "list", "--state", "failed"])
    assert listed.exit_code == 0, listed.output
    assert "no.such.kind" in listed.output
    assert "no handler for job kind" in listed.output
    retried = runner.invoke(app, ["jobs", "retry", str(job.id)])
    assert retried.exit_code == 0, retried.output
    assert "queued again" in retried.output
    assert "queued" in runner.invoke(app, ["jobs", "list"]).output
    rt.engine.dispose()


def test_jobs_list_rejects_an_unknown_state(user_env: dict[str, str]) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["jobs", "list", "--state", "stuck"])
    assert result.exit_code == 2
    assert "unknown state 'stuck'" in result.output
