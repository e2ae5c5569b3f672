"""Waking the job runners the moment a job is queued, instead of at their next poll.

In one process a job committed there rings WAKEUP directly. Across processes on PostgreSQL the
enqueueing transaction sends a NOTIFY (delivered at commit) and each runner's Listener, on a
connection of its own, rings WAKEUP when it hears one. The poll interval stays as the fallback:
a lost notification, a listener that cannot connect, or SQLite across processes.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "dataward_jobs"


class Wakeup:
    """A bell runners wait on. Each ring bumps a generation, so a ring that comes between a
    runner finding the queue empty and starting to wait is not missed."""

    def __init__(self) -> None:
        self._rung = threading.Condition()
        self._generation = 0

    @property
    def generation(self) -> int:
        with self._rung:
            return self._generation

    def ring(self) -> None:
        with self._rung:
            self._generation += 1
            self._rung.notify_all()

    def wait(self, seen: int, timeout: float) -> bool:
        """Wait until rung after generation `seen` or `timeout` seconds; whether it rang."""
        with self._rung:
            return self._rung.wait_for(lambda: self._generation != seen, timeout)


WAKEUP = Wakeup()


class Listener:
    """LISTENs for queued jobs on a dedicated psycopg connection and rings the bell; reconnects
    after `retry_seconds` when the connection fails (runners poll meanwhile)."""

    def __init__(self, engine: Engine, *, bell: Wakeup = WAKEUP, retry_seconds: float = 5.0):
        self.url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.bell = bell
        self.retry_seconds = retry_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dataward-listen", daemon=True)
        self.listening = threading.Event()

    @staticmethod
    def wanted(engine: Engine) -> bool:
        return engine.dialect.name == "postgresql"

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        try:
            import psycopg
        except ImportError:  # a psycopg2-only install: runners keep polling
            log.warning("job wake-ups need the psycopg package; polling instead")
            return

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as connection:
                    connection.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.listening.set()
                    # A ring now covers whatever was queued while (re)connecting.
                    self.bell.ring()
                    while not self._stop.is_set():
                        for _ in connection.notifies(timeout=1.0):
                            self.bell.ring()
            except psycopg.Error as exc:
                self.listening.clear()
                log.warning("job wake-ups unavailable, polling instead: %s", exc)
                self._stop.wait(self.retry_seconds)
