"""How many statements one request sends to Dataward's own database: the warm path's cost."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.rights.execution import run_request
from dataward.rights.models import RequestKind, RequestState

from .conftest import MakeContext
from .kestrel import Kestrel, verified_request


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _engine(db: Session) -> Engine:
    bind = db.get_bind()
    assert isinstance(bind, Engine)
    return bind


AUDIT_APPEND = ("pg_advisory_xact_lock", "FROM audit_events", "INSERT INTO audit_events")
# One audit.record: the chain's lock (PostgreSQL), its head, the insert.
PER_EVENT = 3
# Everything else of an access request over Kestrel's three systems: the run lock and its
# release, the request, the person, the tasks and their insert, one "withdrawn meanwhile?"
# check before the package, one update of every task, the earlier erasures' kept items, the
# request's state, which of its identities were proved (only those are searched); SQLite adds
# its BEGINs. It was 23 before the run flushed once per step.
OTHER_STATEMENTS = 13


def _is_audit(statement: str) -> bool:
    return any(part in statement for part in AUDIT_APPEND)


def test_an_access_request_sends_few_statements_to_datawards_database(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ACCESS
    )
    db.commit()
    events_before = db.scalar(select(func.count()).select_from(AuditEvent)) or 0
    with counted(_engine(db)) as statements:
        run_request(ctx=make_context(), request=request)
    assert request.state == RequestState.AWAITING_REVIEW
    events = (db.scalar(select(func.count()).select_from(AuditEvent)) or 0) - events_before
    assert events == 6  # searched, three systems done, the package, awaiting review
    others = [s for s in statements if not _is_audit(s)]
    assert len(others) <= OTHER_STATEMENTS, "\n".join(others)
    assert len(statements) <= OTHER_STATEMENTS + PER_EVENT * events


def test_a_steps_audit_events_are_appended_together_at_its_end(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    """Not one chain lock and head read per event, interleaved with the run's other work."""
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ACCESS
    )
    db.commit()
    with counted(_engine(db)) as statements:
        run_request(ctx=make_context(), request=request)
    appended = [i for i, s in enumerate(statements) if _is_audit(s)]
    assert appended, "the run appended no audit events"
    between = statements[appended[0] : appended[-1] + 1]
    assert all(_is_audit(s) for s in between), "\n".join(between)
    # ...and nothing but the run lock's release comes after them.
    assert all("advisory_unlock" in s for s in statements[appended[-1] + 1 :])
