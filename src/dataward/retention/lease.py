"""One sweep at a time per collection: a lock row with an expiry, renewed batch by batch.

A lock row works the same on SQLite and PostgreSQL. A sweep killed with SIGKILL cannot release
its lease, so a holder on this host whose process is gone is treated as expired at once, and
one on another host after `LEASE_TIME` without renewal.
"""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dataward.core.clock import Clock
from dataward.retention.models import SweepLease

LEASE_TIME = timedelta(minutes=10)


def holder_name(run_id: int | str) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{run_id}"


def holder_gone(holder: str) -> bool:
    """True when the holder ran on this host and its process no longer exists."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def acquire(*, session: Session, clock: Clock, system: str, collection: str, holder: str) -> bool:
    """Take the lease if it is free, ours, expired or left by a dead process."""
    now = clock.now()
    current = session.scalar(
        select(SweepLease)
        .where(SweepLease.system == system, SweepLease.collection == collection)
        .with_for_update()
    )
    if current is None:
        try:
            with session.begin_nested():
                session.add(
                    SweepLease(
                        system=system,
                        collection=collection,
                        holder=holder,
                        expires_at=now + LEASE_TIME,
                    )
                )
        except IntegrityError:
            return False  # another sweep inserted it first
        return True
    if current.holder != holder and current.expires_at > now and not holder_gone(current.holder):
        return False
    # Conditional on what we read: of two sweeps taking over the same stale lease, one wins.
    taken = session.execute(
        update(SweepLease)
        .where(
            SweepLease.system == system,
            SweepLease.collection == collection,
            SweepLease.holder == current.holder,
            SweepLease.expires_at == current.expires_at,
        )
        .values(holder=holder, expires_at=now + LEASE_TIME)
        .execution_options(synchronize_session=False)
    )
    session.expire(current)
    return bool(taken.rowcount == 1)  # type: ignore[attr-defined]  # CursorResult has rowcount


def renew(*, session: Session, clock: Clock, system: str, collection: str, holder: str) -> bool:
    """Extend our lease; False when another sweep has taken it (we must stop acting)."""
    result = session.execute(
        update(SweepLease)
        .where(
            SweepLease.system == system,
            SweepLease.collection == collection,
            SweepLease.holder == holder,
        )
        .values(expires_at=clock.now() + LEASE_TIME)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]  # CursorResult has rowcount


def release(*, session: Session, system: str, collection: str, holder: str) -> None:
    session.execute(
        delete(SweepLease)
        .where(
            SweepLease.system == system,
            SweepLease.collection == collection,
            SweepLease.holder == holder,
        )
        .execution_options(synchronize_session=False)
    )
