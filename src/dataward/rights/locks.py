"""One run of a request at a time, across processes: a worker's job and a staff member's
`rights run` must not act on the same request at once, and a run commits between systems, so a
row lock would not last it. PostgreSQL: a session advisory lock on a connection of its own.
Elsewhere (the embedded SQLite default, one host): an exclusive lock on a file in the home."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from dataward.core.errors import Conflict

# The first key of PostgreSQL's two-key advisory locks: "rights" in ASCII, so other domains'
# locks on the same numbers do not collide with these.
NAMESPACE = 0x72696768


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def _busy(reference: str) -> Conflict:
    return Conflict(
        f"request {reference} is being run by another worker right now",
        fix="wait for that run to finish; `dataward rights show` tells how far it got",
    )


@contextmanager
def run_lock(session: Session, home: Path, request_id: int, reference: str) -> Iterator[None]:
    engine = _engine(session)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:namespace, :id)"),
                {"namespace": NAMESPACE, "id": request_id},
            ).scalar_one()
            connection.commit()
            if not got:
                raise _busy(reference)
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:namespace, :id)"),
                    {"namespace": NAMESPACE, "id": request_id},
                )
                connection.commit()
        return
    folder = home / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"rights-request-{request_id}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise _busy(reference) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
