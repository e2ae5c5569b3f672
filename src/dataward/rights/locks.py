"""One run of a request at a time, across processes: a worker's job and a staff member's
`rights run` must not act on the same request at once, and a run commits between systems, so a
row lock would not last it. PostgreSQL: a session advisory lock on a connection of its own.
Elsewhere (the embedded SQLite default, one host): an exclusive lock on a file in the home."""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from dataward.core.errors import Conflict

# The first key of PostgreSQL's two-key advisory locks: "rights" in ASCII, so other domains'
# locks on the same numbers do not collide with these.
NAMESPACE = 0x72696768
PERSON_NAMESPACE = 0x70657273  # "pers": one changing run per person


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
    with _exclusive(
        session, home, NAMESPACE, request_id, f"rights-request-{request_id}", _busy(reference)
    ):
        yield


def _person_number(pseudonym: str) -> int:
    # Advisory locks take 32-bit keys: a collision only makes two people's runs take turns.
    return zlib.crc32(pseudonym.encode()) - 2**31


@contextmanager
def person_lock(session: Session, home: Path, pseudonym: str, reference: str) -> Iterator[None]:
    """One changing run per person at a time: two erasures of the same person at once would
    each find the same rows and each count them as erased."""
    busy = Conflict(
        f"another request about the same person is changing their records right now, so "
        f"{reference} was not run",
        fix=f"wait for it to finish, then `dataward rights run {reference}`",
    )
    digest = zlib.crc32(pseudonym.encode())
    with _exclusive(
        session, home, PERSON_NAMESPACE, _person_number(pseudonym), f"rights-person-{digest}", busy
    ):
        yield


@contextmanager
def _exclusive(
    session: Session, home: Path, namespace: int, number: int, name: str, busy: Conflict
) -> Iterator[None]:
    engine = _engine(session)
    if engine.dialect.name == "postgresql":
        # Autocommit: the lock is the session's, so no transaction is needed to hold it, and
        # none is left open for the run's length; taking and releasing it is one round trip.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:namespace, :id)"),
                {"namespace": namespace, "id": number},
            ).scalar_one()
            if not got:
                raise busy
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:namespace, :id)"),
                    {"namespace": namespace, "id": number},
                )
        return
    folder = home / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise busy from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
