"""Signed checkpoints: an Ed25519 signature over (sequence, hash) of the chain at that point.

The chain alone proves that nothing in the middle changed unless everything after it was
recomputed; anyone with write access to the database can recompute SHA-256. A checkpoint is
signed with a key kept outside the database, so the chain up to the latest checkpoint cannot
be rewritten without the signing key.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.audit import service
from dataward.audit.models import AuditCheckpoint, AuditEvent, SigningKey
from dataward.audit.witness import WitnessEntry
from dataward.core.clock import Clock
from dataward.core.crypto import public_key_bytes, signing_key_id


def signed_message(sequence: int, chain_hash: str) -> bytes:
    return f"dataward audit checkpoint\n{sequence}\n{chain_hash}".encode("ascii")


def register_key(*, session: Session, clock: Clock, key: Ed25519PrivateKey) -> SigningKey:
    """Record the public half, once, so checkpoints verify after the key file is replaced."""
    key_id = signing_key_id(key)
    known = session.get(SigningKey, key_id)
    if known is not None:
        return known
    known = SigningKey(key_id=key_id, public_key=public_key_bytes(key), created_at=clock.now())
    session.add(known)
    session.flush()
    service.record(
        session=session,
        clock=clock,
        actor="system:audit",
        action="audit.signing_key.registered",
        object_type="signing_key",
        object_id=key_id,
    )
    return known


def is_registered(*, session: Session, key: Ed25519PrivateKey) -> bool:
    return session.get(SigningKey, signing_key_id(key)) is not None


def entry_of(checkpoint: AuditCheckpoint) -> WitnessEntry:
    """What the witnesses keep of a checkpoint."""
    return WitnessEntry(
        sequence=checkpoint.sequence,
        hash=checkpoint.hash,
        key_id=checkpoint.key_id,
        signature=checkpoint.signature,
        at=checkpoint.at.isoformat(),
    )


def newest(session: Session) -> AuditCheckpoint | None:
    return session.scalar(
        select(AuditCheckpoint).order_by(AuditCheckpoint.sequence.desc()).limit(1)
    )


def sign(
    *, session: Session, clock: Clock, key: Ed25519PrivateKey, event: service.ChainEnd
) -> AuditCheckpoint:
    """The checkpoint at that event: signed now, or the one already there."""
    existing = session.scalar(
        select(AuditCheckpoint).where(AuditCheckpoint.sequence == event.sequence)
    )
    if existing is not None:
        return existing
    checkpoint = AuditCheckpoint(
        sequence=event.sequence,
        hash=event.hash,
        signature=key.sign(signed_message(event.sequence, event.hash)),
        key_id=signing_key_id(key),
        at=clock.now(),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def checkpoint_now(
    *, session: Session, clock: Clock, key: Ed25519PrivateKey
) -> AuditCheckpoint | None:
    """Sign the current head (on demand: `dataward audit checkpoint`); None if the log is empty."""
    register_key(session=session, clock=clock, key=key)
    service.lock_chain(session)
    last = service.head(session)
    if last is None:
        return None
    return sign(session=session, clock=clock, key=key, event=last)


def catch_up(
    *, session: Session, clock: Clock, key: Ed25519PrivateKey, every: int
) -> list[AuditCheckpoint]:
    """Sign every multiple of `every` up to the head that has no checkpoint yet."""
    register_key(session=session, clock=clock, key=key)
    service.lock_chain(session)
    last = service.head(session)
    if last is None:
        return []
    signed_up_to = session.scalar(select(func.max(AuditCheckpoint.sequence))) or 0
    first = (signed_up_to // every + 1) * every
    due = range(first, last.sequence + 1, every)
    made = []
    for start in range(0, len(due), 1000):
        wanted = list(due[start : start + 1000])
        for event in session.scalars(select(AuditEvent).where(AuditEvent.sequence.in_(wanted))):
            made.append(sign(session=session, clock=clock, key=key, event=event))
    return made
