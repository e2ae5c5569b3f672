"""Recompute the chain and every checkpoint signature; name the first thing that is wrong."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service
from dataward.audit.canonical import chain_hash
from dataward.audit.checkpoints import signed_message
from dataward.audit.models import GENESIS_HASH, AuditCheckpoint, SigningKey
from dataward.audit.verifier import check_rows
from dataward.audit.witness import WitnessEntry
from dataward.core.crypto import public_key_id, verify_signature


@dataclass(frozen=True)
class ChainProblem:
    """The first event found wrong, what is wrong with it, and which check found it."""

    sequence: int
    kind: str  # removed | altered | inserted | signature
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
    # Whether the keys came from outside the database (the pinned file): only then does a
    # signature prove anything against someone who can write to the database.
    anchored: bool = False
    witnessed: int = 0
    last_witnessed: int = 0

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
        pinned: bool = True,
        witness: Iterable[WitnessEntry] = (),
        after: service.ChainEnd | None = None,
    ) -> None:
        """`after`: start past this (already trusted) event instead of at the first one."""
        self.report = VerifyReport(signing_keys=sorted(public_keys), anchored=pinned)
        self._checkpoints = {c.sequence: c for c in checkpoints}
        self._witness = {entry.sequence: entry for entry in witness}
        self._keys = dict(public_keys)
        self._expected = 1 if after is None else after.sequence + 1
        self._prev_hash = GENESIS_HASH if after is None else after.hash

    def _fail(self, sequence: int, kind: str, detected_by: str, message: str) -> bool:
        self.report.problem = ChainProblem(sequence, kind, detected_by, message)
        return False

    def marked_sequences(self) -> frozenset[int]:
        """Events with a checkpoint or a witness entry: never checked in a run."""
        return frozenset(self._checkpoints) | frozenset(self._witness)

    def expecting(self) -> tuple[int, str]:
        """The sequence and prev_hash the next event must have."""
        return self._expected, self._prev_hash

    def accept_run(self, count: int, nbytes: int, last_sequence: int, last_hash: str) -> None:
        """`count` events up to `last_sequence` the caller checked as feed() would have."""
        if not count:
            return
        self._expected = last_sequence + 1
        self._prev_hash = last_hash
        self.report.events += count
        self.report.canonical_bytes += nbytes
        self.report.last_sequence = last_sequence

    def feed(
        self, event: service.ChainLink, payload: bytes | None = None, digest: str | None = None
    ) -> bool:
        """Check one event; False (with report.problem set) at the first problem.

        `payload` is the event's canonical bytes when the caller computed them from its row
        (and `digest` their chain hash, if computed too); otherwise `event` must be a whole
        EventRecord.
        """
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
        if payload is None:
            payload = service.event_bytes(event)  # type: ignore[arg-type]  # see docstring
        actual = digest or chain_hash(event.prev_hash, payload)
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
        # The signed checkpoint first (it names what changed); the witness then catches what
        # the database no longer shows: a checkpoint deleted, or re-signed with a stolen key.
        checkpoint = self._checkpoints.get(seq)
        if checkpoint is not None and not self._check_checkpoint(checkpoint, event):
            return False
        witnessed = self._witness.get(seq)
        if witnessed is not None and not self._check_witness(witnessed, event):
            return False
        self._prev_hash = event.hash
        self._expected = seq + 1
        self.report.events += 1
        self.report.canonical_bytes += len(payload)
        self.report.last_sequence = seq
        return True

    def _check_witness(self, witnessed: WitnessEntry, event: service.ChainLink) -> bool:
        seq = witnessed.sequence
        if witnessed.hash != event.hash:
            return self._fail(
                seq,
                "altered",
                "witness mismatch",
                f"the chain up to here was rewritten: the witness recorded hash "
                f"{witnessed.hash[:12]}… for checkpoint {seq} but the chain now has "
                f"{event.hash[:12]}…",
            )
        stored = self._checkpoints.get(seq)
        if stored is None:
            return self._fail(
                seq,
                "removed",
                "witness: checkpoint missing",
                f"checkpoint {seq}, recorded in the witness, was deleted from the database",
            )
        if stored.hash != witnessed.hash or stored.key_id != witnessed.key_id:
            return self._fail(
                seq,
                "altered",
                "witness: checkpoint differs",
                f"checkpoint {seq} in the database differs from the one the witness recorded",
            )
        self.report.witnessed += 1
        self.report.last_witnessed = seq
        return True

    def _check_checkpoint(self, checkpoint: AuditCheckpoint, event: service.ChainLink) -> bool:
        seq = checkpoint.sequence
        public = self._keys.get(checkpoint.key_id)
        if public is None:
            trust = "pinned" if self.report.anchored else "registered"
            return self._fail(
                seq,
                "signature",
                "unknown signing key",
                f"checkpoint {seq} is signed by key {checkpoint.key_id}, which is not a "
                f"{trust} signing key",
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
        self.report.checkpoints += 1
        self.report.last_checkpoint = seq
        self.report.last_checkpoint_key = checkpoint.key_id
        return True

    def finish(self) -> VerifyReport:
        """Checkpoints past the end mean the tail of the log was cut off."""
        end = self._expected - 1
        witnessed_beyond = [s for s in self._witness if s > end]
        if self.report.problem is None and witnessed_beyond:
            first = min(witnessed_beyond)
            self._fail(
                end + 1,
                "removed",
                "witness: chain shorter",
                f"the log ends at {end} but the witness recorded checkpoint {first}: "
                f"events {end + 1} to {max(witnessed_beyond)} or more were removed",
            )
        if self.report.problem is None:
            beyond = [s for s in self._checkpoints if s > end]
            if beyond:
                first = min(beyond)
                self._fail(
                    end + 1,
                    "removed",
                    "checkpoint past the end",
                    f"the log ends at {end} but checkpoint {first} was "
                    f"signed: events {end + 1} to {first} or more were removed",
                )
        return self.report


def verify(
    *,
    session: Session,
    pinned_keys: Mapping[str, bytes] | None = None,
    witness: Iterable[WitnessEntry] = (),
    batch: int = 5000,
    workers: int = 1,
) -> VerifyReport:
    """Recompute the whole log and check every checkpoint, against the witness if given.

    `pinned_keys` are the public keys kept outside the database; only they are trusted.
    Without them (a library caller with nothing pinned) the keys the database lists are used,
    which proves nothing against someone who can write to the database. `workers`: cores to
    check a long log on (see check_rows).
    """
    if pinned_keys is None:
        keys = {k.key_id: k.public_key for k in session.scalars(select(SigningKey))}
    else:
        keys = dict(pinned_keys)
    checkpoints = list(session.scalars(select(AuditCheckpoint)))
    verifier = ChainVerifier(checkpoints, keys, pinned=pinned_keys is not None, witness=witness)
    return check_rows(session=session, verifier=verifier, batch=batch, workers=workers)
