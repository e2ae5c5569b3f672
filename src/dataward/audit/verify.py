"""Recompute the chain and every checkpoint signature; name the first thing that is wrong."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service
from dataward.audit.checkpoints import signed_message
from dataward.audit.models import GENESIS_HASH, AuditCheckpoint, AuditEvent, SigningKey
from dataward.core.crypto import public_key_id, verify_signature


@dataclass(frozen=True)
class ChainProblem:
    """The first event found wrong, what is wrong with it, and which check found it."""

    sequence: int
    kind: str  # removed | altered | inserted | checkpoint | signature | truncated
    detected_by: str
    message: str

    def __str__(self) -> str:
        return f"event {self.sequence}: {self.message} (detected by {self.detected_by})"


@dataclass
class VerifyReport:
    events: int = 0
    canonical_bytes: int = 0
    checkpoints: int = 0
    last_sequence: int = 0
    last_checkpoint: int = 0
    problem: ChainProblem | None = None
    signing_keys: list[str] = field(default_factory=list)
    last_checkpoint_key: str | None = None
    # Whether the newest checkpoint is signed by the key configured on this machine: that one
    # signature authenticates the whole chain up to it, whatever the database says of keys.
    anchored: bool = False

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def unsigned_tail(self) -> int:
        """Events after the last checkpoint: chained, but not yet protected by a signature."""
        return self.last_sequence - self.last_checkpoint


class ChainVerifier:
    """Fed events in sequence order, stops at the first problem; holds one event at a time."""

    def __init__(
        self,
        checkpoints: Iterable[AuditCheckpoint],
        public_keys: Mapping[str, bytes],
        *,
        trusted_key_id: str | None = None,
    ) -> None:
        self.report = VerifyReport(signing_keys=sorted(public_keys))
        self._trusted = trusted_key_id
        self._trusted_signed = False
        self._checkpoints = {c.sequence: c for c in checkpoints}
        self._keys = dict(public_keys)
        self._expected = 1
        self._prev_hash = GENESIS_HASH

    def _fail(self, sequence: int, kind: str, detected_by: str, message: str) -> bool:
        self.report.problem = ChainProblem(sequence, kind, detected_by, message)
        return False

    def feed(self, event: service.EventRecord) -> bool:
        """Check one event; False (with report.problem set) at the first problem."""
        seq = event.sequence
        if seq != self._expected:
            missing = (
                f"event {self._expected}"
                if seq == self._expected + 1
                else f"events {self._expected} to {seq - 1}"
            )
            return self._fail(
                self._expected,
                "removed",
                "sequence gap",
                f"{missing} removed: the log jumps from {self._expected - 1} to {seq}",
            )
        payload = service.event_bytes(event)
        actual = service.chain_hash(event.prev_hash, payload)
        if actual != event.hash:
            return self._fail(
                seq,
                "altered",
                "hash mismatch",
                f"its content no longer matches its hash ({event.hash[:12]}… stored, "
                f"{actual[:12]}… computed)",
            )
        if event.prev_hash != self._prev_hash:
            # The event is consistent in itself but does not follow the one before: that one
            # was altered and its hash recomputed, or this one was inserted or moved here.
            if seq == 1:
                return self._fail(
                    1,
                    "inserted",
                    "prev_hash mismatch",
                    "the first event does not start the chain: events before it were removed"
                    " and the log renumbered, or it was inserted",
                )
            return self._fail(
                seq - 1,
                "altered",
                "prev_hash mismatch",
                f"event {seq} records prev_hash {event.prev_hash[:12]}… but event {seq - 1}"
                f" hashes to {self._prev_hash[:12]}…: event {seq - 1} was altered (its hash"
                f" recomputed), or event {seq} was inserted or moved here",
            )
        checkpoint = self._checkpoints.get(seq)
        if checkpoint is not None and not self._check_checkpoint(checkpoint, event):
            return False
        self._prev_hash = event.hash
        self._expected = seq + 1
        self.report.events += 1
        self.report.canonical_bytes += len(payload)
        self.report.last_sequence = seq
        return True

    def _check_checkpoint(self, checkpoint: AuditCheckpoint, event: service.EventRecord) -> bool:
        seq = checkpoint.sequence
        public = self._keys.get(checkpoint.key_id)
        if public is None:
            return self._fail(
                seq,
                "signature",
                "unknown signing key",
                f"checkpoint {seq} is signed by key {checkpoint.key_id}, which is not a "
                "registered signing key",
            )
        if public_key_id(public) != checkpoint.key_id:
            return self._fail(
                seq,
                "signature",
                "key id mismatch",
                f"the public key registered as {checkpoint.key_id} is not that key: the "
                "signing-key table was altered",
            )
        message = signed_message(seq, checkpoint.hash)
        if not verify_signature(public, checkpoint.signature, message):
            return self._fail(
                seq,
                "signature",
                "bad signature",
                f"the signature of checkpoint {seq} (key {checkpoint.key_id}) does not verify",
            )
        if checkpoint.hash != event.hash:
            return self._fail(
                seq,
                "altered",
                "checkpoint mismatch",
                f"the chain up to here was rewritten: checkpoint {seq} signed hash "
                f"{checkpoint.hash[:12]}… but the chain now has {event.hash[:12]}…",
            )
        if self._trusted_signed and checkpoint.key_id != self._trusted:
            return self._fail(
                seq,
                "signature",
                "untrusted signing key",
                f"checkpoint {seq} is signed by key {checkpoint.key_id}, which took over after "
                f"the configured signing key {self._trusted} had signed: someone re-signed "
                "the log with a key of their own",
            )
        self._trusted_signed = self._trusted_signed or checkpoint.key_id == self._trusted
        self.report.checkpoints += 1
        self.report.last_checkpoint = seq
        self.report.last_checkpoint_key = checkpoint.key_id
        self.report.anchored = checkpoint.key_id == self._trusted
        return True

    def finish(self) -> VerifyReport:
        """Checkpoints past the end mean the tail of the log was cut off."""
        if self.report.problem is None:
            beyond = [s for s in self._checkpoints if s > self.report.last_sequence]
            if beyond:
                first = min(beyond)
                self._fail(
                    self.report.last_sequence + 1,
                    "removed",
                    "checkpoint past the end",
                    f"the log ends at {self.report.last_sequence} but checkpoint {first} was "
                    f"signed: events {self.report.last_sequence + 1} to {first} or more were "
                    "removed",
                )
        return self.report


def verify(
    *, session: Session, trusted_key_id: str | None = None, batch: int = 2000
) -> VerifyReport:
    """Stream the whole log in keyset batches; memory stays flat however long it is.

    `trusted_key_id` is the configured signing key's id: once it has signed, a later
    checkpoint by any other key is a forgery (a replaced key signs its first checkpoint
    before the old key's checkpoints stop mattering).
    """
    keys = {k.key_id: k.public_key for k in session.scalars(select(SigningKey))}
    checkpoints = list(session.scalars(select(AuditCheckpoint)))
    verifier = ChainVerifier(checkpoints, keys, trusted_key_id=trusted_key_id)
    connection = session.connection()
    after = 0
    while True:
        # Plain rows of the columns, not ORM objects: verify is read-only and this is what
        # keeps it close to the speed of hashing itself.
        rows = connection.execute(
            select(*service.EVENT_COLUMNS)
            .where(AuditEvent.sequence > after)
            .order_by(AuditEvent.sequence)
            .limit(batch)
        ).all()
        for row in rows:
            if not verifier.feed(row):
                return verifier.finish()
        if len(rows) < batch:
            return verifier.finish()
        after = rows[-1].sequence
