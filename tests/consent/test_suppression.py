"""The suppression list: keyed hashes only, idempotent, audited, normalised matching."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.consent import service as consent
from dataward.consent.models import SuppressionEntry
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError


def test_a_suppressed_address_matches_however_it_is_written(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    consent.suppress(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="system:unsubscribe",
        email="Ann.Other@Example.com",
        reason="unsubscribe link",
    )
    assert consent.is_suppressed(session=session, keyring=keyring, email="ann.other@example.com")
    assert consent.is_suppressed(session=session, keyring=keyring, email=" ANN.OTHER@EXAMPLE.COM")
    assert not consent.is_suppressed(session=session, keyring=keyring, email="ann@example.com")


def test_phone_numbers_match_in_any_format(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    consent.suppress(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="cli:dpo",
        phone="07700 900128",
        reason="asked not to be called",
    )
    assert consent.is_suppressed(session=session, keyring=keyring, phone="+447700900128")
    assert consent.is_suppressed(
        session=session, keyring=keyring, email="someone@example.com", phone="+44 7700 900128"
    )
    assert not consent.is_suppressed(session=session, keyring=keyring, phone="07700 900129")


def test_only_keyed_hashes_are_stored(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    consent.suppress(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="cli:dpo",
        email="ann@example.com",
        phone="07700900128",
        reason="Art 21 objection",
    )
    rows = session.execute(text("SELECT * FROM suppression_entries")).all()
    assert len(rows) == 2
    dumped = repr(rows)
    for plain in ("ann", "example.com", "7700900128"):
        assert plain not in dumped
    kinds = {e.kind: e.identifier_hash for e in session.scalars(select(SuppressionEntry))}
    assert kinds == {
        "email": keyring.identifier_hash("email", "ann@example.com"),
        "phone": keyring.identifier_hash("phone", "07700900128"),
    }


def test_suppressing_twice_changes_nothing_and_is_audited_once(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    for reason in ("unsubscribe link", "phoned in"):
        consent.suppress(
            session=session,
            keyring=keyring,
            clock=clock,
            actor="cli:dpo",
            email="ann@example.com",
            reason=reason,
        )
    entries = session.scalars(select(SuppressionEntry)).all()
    assert [e.reason for e in entries] == ["unsubscribe link"]
    added = list(
        audit.events(session=session, where=audit.EventFilter(action_prefix="consent.suppression"))
    )
    assert len(added) == 1
    assert "ann" not in audit.event_bytes(added[0]).decode()


def test_suppress_needs_an_identifier_and_a_reason(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    with pytest.raises(UsageError, match="email or a phone"):
        consent.suppress(session=session, keyring=keyring, clock=clock, actor="t", reason="x")
    with pytest.raises(UsageError, match="say why"):
        consent.suppress(
            session=session,
            keyring=keyring,
            clock=clock,
            actor="t",
            email="a@example.com",
            reason=" ",
        )
    with pytest.raises(UsageError, match="not a valid email"):
        consent.suppress(
            session=session, keyring=keyring, clock=clock, actor="t", email="nope", reason="x"
        )
