"""`dataward serve` (web + in-process jobs and schedule) and `dataward worker`.

A boundary: it collects the domains' job handlers and schedules from dataward.domains and
hands them to the runner in core, which knows no domain.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from types import FrameType

import typer
import uvicorn
from sqlalchemy import select

from dataward import domains
from dataward.core import jobs
from dataward.core.console import (
    LARGEST_ID,
    handle_errors,
    input_file,
    out,
    print_json,
    ready_runtime,
)
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime

jobs_app = typer.Typer(help="The job queue: rights execution, sweeps, audit checkpoints.")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("worker")(worker)
    app.add_typer(jobs_app, name="jobs")


def _load_systems_env(rt: Runtime) -> None:
    """Give jobs the systems' connection variables (DATAWARD_SYSTEMS_ENV_FILE); the
    process's own environment wins where both name a variable."""
    if rt.settings.systems_env_file is None:
        return
    from dataward.connectors.registry import environ_for_jobs

    os.environ.update(environ_for_jobs(rt.settings.systems_env_file))


@jobs_app.command("list")
@handle_errors
def list_jobs(
    state: str | None = typer.Option(
        None, help="Only jobs in this state: queued, running, done, failed."
    ),
    limit: int = typer.Option(50, min=1, max=LARGEST_ID, help="How many, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Queued, running, done and failed jobs with their attempts and last error."""
    rt = ready_runtime()
    if state is not None and state not in {s.value for s in jobs.JobState}:
        raise UsageError(
            f"unknown state {state!r}",
            fix=f"use one of: {', '.join(s.value for s in jobs.JobState)}",
        )
    with rt.transaction() as session:
        query = select(jobs.Job).order_by(jobs.Job.id.desc()).limit(limit)
        if state:
            query = query.where(jobs.Job.state == state)
        rows = [
            {
                "id": job.id,
                "kind": job.kind,
                "state": job.state,
                "attempts": job.attempts,
                "max_attempts": job.max_attempts,
                "run_after": job.run_after.isoformat(),
                "last_error": job.last_error,
            }
            for job in session.scalars(query)
        ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no jobs")
    for row in rows:
        error = f"  {row['last_error']}" if row["last_error"] else ""
        out.print(
            f"{row['id']:>6}  {row['kind']:<22} {row['state']:<8} "
            f"{row['attempts']}/{row['max_attempts']}{error}",
            markup=False,
        )


@jobs_app.command("retry")
@handle_errors
def retry_job(
    job_id: int = typer.Argument(
        help="The job's id (see `dataward jobs list`).", min=1, max=LARGEST_ID
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Queue a failed job again, with a fresh count of attempts."""
    rt = ready_runtime()
    with rt.transaction() as session:
        job = jobs.retry(session=session, clock=rt.clock, job_id=job_id)
        queued = {"id": job.id, "kind": job.kind, "state": job.state}
    if as_json:
        print_json(queued)
        return
    out.print(f"job {queued['id']} ({queued['kind']}) queued again", markup=False)


class Scheduler:
    """Checks once a minute whether a daily job is due and enqueues it (deduplicated)."""

    def __init__(
        self, rt: Runtime, *, schedules: tuple[jobs.Schedule, ...], every_seconds: float = 60.0
    ) -> None:
        self.rt = rt
        self.schedules = schedules
        self.every_seconds = every_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dataward-schedule", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            jobs.enqueue_schedules(self.rt, self.schedules)
            self._stop.wait(self.every_seconds)


@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    jobs_in_process: bool = typer.Option(
        True, "--jobs/--no-jobs", help="Run queued jobs and the daily schedule in this process."
    ),
    ssl_certfile: Path | None = typer.Option(
        None, help="Serve HTTPS with this certificate.", callback=input_file
    ),
    ssl_keyfile: Path | None = typer.Option(
        None, help="Private key for --ssl-certfile.", callback=input_file
    ),
    forwarded_allow_ips: str = typer.Option(
        "127.0.0.1", help="Proxies trusted for X-Forwarded-Proto (HTTPS behind a proxy)."
    ),
) -> None:
    """Run the web service; on the embedded default it also runs jobs and the daily sweep."""
    from dataward.app import create_app

    rt = ready_runtime()
    _load_systems_env(rt)
    runner = (
        jobs.BackgroundRunner(
            rt, handlers=domains.job_handlers(), poll_seconds=rt.settings.job_poll_seconds
        )
        if jobs_in_process
        else None
    )
    scheduler = Scheduler(rt, schedules=domains.job_schedules()) if jobs_in_process else None
    if runner and scheduler:
        runner.start()
        scheduler.start()
    scheme = "https" if ssl_certfile else "http"
    # Plain output: rich is not loaded into the server for one line.
    typer.echo(f"Dataward on {scheme}://{host}:{port} (database {rt.engine.dialect.name})")
    try:
        uvicorn.run(
            create_app(rt),
            host=host,
            port=port,
            ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
            ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
            proxy_headers=True,
            forwarded_allow_ips=forwarded_allow_ips,
            log_level="info",
        )
    finally:
        if runner and scheduler:
            scheduler.stop()
            runner.stop()


@handle_errors
def worker(
    once: bool = typer.Option(False, "--once", help="Run what is due, then exit."),
    poll: float | None = typer.Option(
        None,
        min=0.01,
        help="Seconds between looks at an idle queue (default DATAWARD_JOB_POLL_SECONDS, 2); "
        "a job queued meanwhile is run at once.",
    ),
    schedule: bool = typer.Option(True, help="Also enqueue the daily schedule."),
    as_json: bool = typer.Option(False, "--json", help="With --once: print the count as JSON."),
) -> None:
    """Take jobs from the queue (PostgreSQL: run as many workers as you like)."""
    rt = ready_runtime()
    _load_systems_env(rt)
    handlers = domains.job_handlers()
    schedules = domains.job_schedules()
    if once:
        jobs.enqueue_schedules(rt, schedules)
        ran = jobs.run_until_idle(rt, handlers=handlers)
        if as_json:
            print_json({"ran": ran})
            return
        out.print(f"ran {ran} job(s)")
        return
    runner = jobs.BackgroundRunner(
        rt, handlers=handlers, poll_seconds=poll or rt.settings.job_poll_seconds
    )
    scheduler = Scheduler(rt, schedules=schedules) if schedule else None

    def stop(_signum: int, _frame: FrameType | None) -> None:
        runner.stop(timeout=0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    out.print(f"worker {jobs.worker_name()} taking jobs")
    if scheduler is not None:
        scheduler.start()
    try:
        runner.run()
    finally:
        if scheduler is not None:
            scheduler.stop()
        runner.stop()
