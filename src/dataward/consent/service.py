"""The suppression list: addresses and numbers never to be marketed to, as keyed hashes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.consent.models import SuppressionEntry
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError


def _hashes(keyring: Keyring, email: str | None, phone: str | None) -> Iterator[tuple[str, str]]:
    if email is not None:
        yield "email", keyring.identifier_hash("email", email)
    if phone is not None:
        yield "phone", keyring.identifier_hash("phone", phone)


def suppress(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    email: str | None = None,
    phone: str | None = None,
    reason: str,
) -> None:
    """Put the email and/or phone on the list; already there is fine (nothing changes)."""
    if email is None and phone is None:
        raise UsageError("give an email or a phone number to suppress")
    if not reason.strip():
        raise UsageError("say why it is suppressed", fix="e.g. 'unsubscribe link', 'Art 21'")
    keyring.attach(session)
    for kind, identifier_hash in _hashes(keyring, email, phone):
        existing = session.scalar(
            select(SuppressionEntry.id).where(
                SuppressionEntry.kind == kind, SuppressionEntry.identifier_hash == identifier_hash
            )
        )
        if existing is not None:
            continue
        entry = SuppressionEntry(
            kind=kind,
            identifier_hash=identifier_hash,
            reason=reason.strip(),
            created_at=clock.now().astimezone(UTC),
        )
        session.add(entry)
        session.flush()
        audit.record(
            session=session,
            clock=clock,
            actor=actor,
            action="consent.suppression.added",
            object_type="suppression_entry",
            object_id=str(entry.id),
            details={"kind": kind, "identifier": keyring.digest(identifier_hash)},
        )


def is_suppressed(
    *, session: Session, keyring: Keyring, email: str | None = None, phone: str | None = None
) -> bool:
    """True when either the email or the phone is on the list."""
    keyring.attach(session)
    for kind, identifier_hash in _hashes(keyring, email, phone):
        hit = session.scalar(
            select(SuppressionEntry.id).where(
                SuppressionEntry.kind == kind, SuppressionEntry.identifier_hash == identifier_hash
            )
        )
        if hit is not None:
            return True
    return False
