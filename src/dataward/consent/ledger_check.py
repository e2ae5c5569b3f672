"""The ledger against the audit log: `dataward audit verify` runs this after the chain."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit.evidence import RecordsCheck
from dataward.audit.models import AuditEvent
from dataward.consent.ledger import OBJECT_TYPE, row_digest
from dataward.consent.models import ConsentEvent
from dataward.core.crypto import Keyring

# What `dataward audit verify` prints about the ledger.
LedgerCheck = RecordsCheck


def verify_ledger(*, session: Session, keyring: Keyring | None = None) -> LedgerCheck:
    """Every ledger row against the digest its audit event holds; the first mismatch. (The
    digests are plain SHA-256: the keyring every check is given is not needed here.)"""
    vouched: dict[int, str] = {}
    for object_id, details in session.execute(
        select(AuditEvent.object_id, AuditEvent.details)
        .where(AuditEvent.object_type == OBJECT_TYPE)
        .execution_options(yield_per=5000)
    ):
        if object_id is not None and object_id.isdigit() and isinstance(details, dict):
            vouched[int(object_id)] = str(details.get("row", ""))
    checked = 0
    for row in _rows(session):
        checked += 1
        expected = vouched.pop(row.id, None)
        if expected is None:
            return LedgerCheck("consent ledger", checked, f"row {row.id} has no audit event")
        if expected != row_digest(row):
            return LedgerCheck(
                "consent ledger",
                checked,
                f"row {row.id} differs from its audit event",
            )
    if vouched:
        missing = min(vouched)
        return LedgerCheck("consent ledger", checked, f"row {missing} was removed")
    return LedgerCheck("consent ledger", checked, None)


def _rows(session: Session) -> Iterator[ConsentEvent]:
    query = select(ConsentEvent).order_by(ConsentEvent.id).execution_options(yield_per=5000)
    yield from session.scalars(query)
