"""Master-key rotation and key status: re-wrap keys, never re-encrypt personal data."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import Clock
from dataward.core.crypto import INDEX_KEY_CONTEXT, PIN_KIND, Keyring, KeyStore, read_pinned_keys
from dataward.core.errors import ConfigurationError
from dataward.people.models import Person
from dataward.people.service import key_context

BATCH = 500


@dataclass(frozen=True)
class Rotation:
    old_fingerprint: str
    new_fingerprint: str
    people_rewrapped: int


@dataclass(frozen=True)
class KeyStatus:
    fingerprint: str
    source: str
    stored_fingerprint: str | None
    created_at: datetime | None
    rotated_at: datetime | None
    people_with_keys: int
    people_forgotten: int

    @property
    def matches(self) -> bool:
        return self.stored_fingerprint in (None, self.fingerprint)


def _store(session: Session) -> KeyStore | None:
    return session.scalar(select(KeyStore).where(KeyStore.id == 1))


def rotate(
    *, session: Session, keyring: Keyring, clock: Clock, new_master: bytes, actor: str
) -> Rotation:
    """Re-wrap the index key and every data key under `new_master`, in the caller's transaction.

    Only wrapped keys change, so the work is one small write per person however much data
    they have, and identifier hashes stay valid (the index key itself is unchanged).
    """
    keyring.attach(session)
    store = _store(session)
    if store is None:  # attach() creates it, so only a concurrent delete gets here
        raise ConfigurationError("the key store vanished during rotation; run `dataward init`")
    new = keyring.rewrapped(new_master)
    if new.fingerprint == keyring.fingerprint:
        raise ConfigurationError("the new master key is the current one; nothing to rotate")
    store.wrapped_index_key = new.wrap(keyring.index_key, context=INDEX_KEY_CONTEXT)
    store.master_fingerprint = new.fingerprint
    store.rotated_at = clock.now().astimezone(UTC)
    rewrapped = 0
    after = 0
    while True:
        batch = list(
            session.scalars(
                select(Person)
                .where(Person.id > after, Person.wrapped_key.is_not(None))
                .order_by(Person.id)
                .limit(BATCH)
            )
        )
        for person in batch:
            assert person.wrapped_key is not None  # filtered in the query
            context = key_context(person)
            data_key = keyring.unwrap(person.wrapped_key, context=context)
            person.wrapped_key = new.wrap(data_key, context=context)
        session.flush()
        rewrapped += len(batch)
        if len(batch) < BATCH:
            break
        after = batch[-1].id
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="keys.master.rotated",
        object_type="master_key",
        object_id=new.fingerprint,
        details={
            "old_fingerprint": keyring.fingerprint,
            "new_fingerprint": new.fingerprint,
            "people_rewrapped": rewrapped,
        },
    )
    return Rotation(keyring.fingerprint, new.fingerprint, rewrapped)


def status(*, session: Session, keyring: Keyring) -> KeyStatus:
    """What the configured master key is and whether it is the one the database expects."""
    store = _store(session)
    with_keys = session.scalar(
        select(func.count()).select_from(Person).where(Person.wrapped_key.is_not(None))
    )
    forgotten = session.scalar(
        select(func.count()).select_from(Person).where(Person.forgotten_at.is_not(None))
    )
    return KeyStatus(
        fingerprint=keyring.fingerprint,
        source=keyring.source,
        stored_fingerprint=None if store is None else store.master_fingerprint,
        created_at=None if store is None else store.created_at,
        rotated_at=None if store is None else store.rotated_at,
        people_with_keys=with_keys or 0,
        people_forgotten=forgotten or 0,
    )


def pinned_signing_keys(path: Path) -> list[tuple[str, str]]:
    """(key id, the line to write down) for each public key trusted to verify the audit log."""
    return [
        (key_id, f"{PIN_KIND} {base64.b64encode(public).decode('ascii')} {key_id}")
        for key_id, public in read_pinned_keys(path).items()
    ]
