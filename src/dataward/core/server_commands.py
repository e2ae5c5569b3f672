"""`dataward serve` (web + in-process jobs and schedule) and `dataward worker`."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import typer
import uvicorn

from dataward.core import jobs
from dataward.core.console import handle_errors, out, runtime
from dataward.core.runtime import Runtime


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("worker")(worker)


class Scheduler:
    """Checks once a minute whether a daily job is due and enqueues it (deduplicated)."""

    def __init__(self, rt: Runtime, *, every_seconds: float = 60.0) -> None:
        self.rt = rt
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
            jobs.enqueue_schedules(self.rt)
            self._stop.wait(self.every_seconds)


@handle_errors
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    jobs_in_process: bool = typer.Option(
        True, "--jobs/--no-jobs", help="Run queued jobs and the daily schedule in this process."
    ),
    ssl_certfile: Path | None = typer.Option(None, help="Serve HTTPS with this certificate."),
    ssl_keyfile: Path | None = typer.Option(None, help="Private key for --ssl-certfile."),
    forwarded_allow_ips: str = typer.Option(
        "127.0.0.1", help="Proxies trusted for X-Forwarded-Proto (HTTPS behind a proxy)."
    ),
) -> None:
    """Run the web service; on the embedded default it also runs jobs and the daily sweep."""
    from dataward.app import create_app

    rt = runtime()
    rt.require_schema()
    runner = jobs.BackgroundRunner(rt) if jobs_in_process else None
    scheduler = Scheduler(rt) if jobs_in_process else None
    if runner and scheduler:
        jobs.load_handlers()
        runner.start()
        scheduler.start()
    scheme = "https" if ssl_certfile else "http"
    out.print(f"Dataward on {scheme}://{host}:{port} (database {rt.engine.dialect.name})")
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
    poll: float = typer.Option(2.0, help="Seconds between polls when the queue is empty."),
    schedule: bool = typer.Option(True, help="Also enqueue the daily schedule."),
) -> None:
    """Take jobs from the queue (PostgreSQL: run as many workers as you like)."""
    rt = runtime()
    rt.require_schema()
    jobs.load_handlers()
    if once:
        jobs.enqueue_schedules(rt)
        ran = jobs.run_until_idle(rt)
        out.print(f"ran {ran} job(s)")
        return
    stopping = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    out.print(f"worker {jobs.worker_name()} taking jobs")
    while not stopping.is_set():
        if schedule:
            jobs.enqueue_schedules(rt)
        if not jobs.run_one(rt):
            stopping.wait(poll)
