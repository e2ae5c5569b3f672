"""Verifying the chain and its signed checkpoints against a real database."""

from __future__ import annotations

from datetime import timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from dataward.audit import checkpoints
from dataward.audit import service as audit
from dataward.audit.models import AuditCheckpoint, AuditEvent, SigningKey
from dataward.audit.verify import ChainVerifier, verify
from dataward.core.clock import FixedClock
from dataward.core.crypto import public_key_bytes, signing_key_id


def _fill(session: Session, clock: FixedClock, count: int) -> None:
    for n in range(count):
        audit.record(
            session=session,
            clock=clock,
            actor="system:test",
            action="test.step",
            object_type="step",
            object_id=str(n),
            details={"n": n},
        )
        clock.advance(seconds=1)


def _rechain_from(session: Session, sequence: int) -> None:
    """What an attacker with database access but no signing key can do: recompute hashes."""
    previous = session.get(AuditEvent, sequence - 1)
    prev_hash = previous.hash if previous else audit.GENESIS_HASH
    for event in session.scalars(
        select(AuditEvent).where(AuditEvent.sequence >= sequence).order_by(AuditEvent.sequence)
    ):
        event.prev_hash = prev_hash
        event.hash = audit.expected_hash(event)
        prev_hash = event.hash
    session.flush()


def test_an_untouched_chain_verifies_and_counts_its_events(
    session: Session, clock: FixedClock
) -> None:
    _fill(session, clock, 7)
    report = verify(session=session, batch=3)
    assert report.ok, report.problem
    assert report.events == 7
    assert report.last_sequence == 7
    assert report.canonical_bytes > 7 * 100


def test_an_empty_log_verifies(session: Session) -> None:
    report = verify(session=session)
    assert report.ok and report.events == 0


def test_an_edited_event_is_named_with_a_hash_mismatch(session: Session, clock: FixedClock) -> None:
    _fill(session, clock, 6)
    session.execute(update(AuditEvent).where(AuditEvent.sequence == 4).values(details={"n": 99}))
    session.expire_all()
    report = verify(session=session, batch=2)
    assert report.problem is not None
    assert (report.problem.sequence, report.problem.kind) == (4, "altered")
    assert report.problem.detected_by == "hash mismatch"
    assert report.events == 3


def test_a_deleted_event_is_named_by_the_gap_it_leaves(session: Session, clock: FixedClock) -> None:
    _fill(session, clock, 6)
    session.execute(delete(AuditEvent).where(AuditEvent.sequence == 3))
    report = verify(session=session)
    assert report.problem is not None
    assert (report.problem.sequence, report.problem.kind) == (3, "removed")
    assert "event 3 removed" in report.problem.message


def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(
    session: Session, clock: FixedClock
) -> None:
    _fill(session, clock, 5)
    event = session.get(AuditEvent, 2)
    assert event is not None
    event.actor = "cli:mallory"
    event.hash = audit.expected_hash(event)
    session.flush()
    report = verify(session=session)
    assert report.problem is not None
    assert (report.problem.sequence, report.problem.detected_by) == (2, "prev_hash mismatch")


def test_a_rewritten_chain_is_caught_by_its_signed_checkpoint(
    session: Session, clock: FixedClock
) -> None:
    key = Ed25519PrivateKey.generate()
    _fill(session, clock, 5)
    made = checkpoints.checkpoint_now(session=session, clock=clock, key=key)
    assert made is not None
    event = session.get(AuditEvent, 3)
    assert event is not None
    event.details = {"n": "rewritten"}
    _rechain_from(session, 3)
    report = verify(session=session)
    assert report.problem is not None
    assert report.problem.detected_by == "checkpoint mismatch"
    assert report.problem.sequence == made.sequence


def test_a_forged_checkpoint_signature_is_refused(session: Session, clock: FixedClock) -> None:
    key = Ed25519PrivateKey.generate()
    _fill(session, clock, 3)
    made = checkpoints.checkpoint_now(session=session, clock=clock, key=key)
    assert made is not None
    made.signature = Ed25519PrivateKey.generate().sign(b"something else")
    session.flush()
    report = verify(session=session)
    assert report.problem is not None
    assert report.problem.detected_by == "bad signature"


def test_a_checkpoint_by_an_unregistered_key_is_refused(
    session: Session, clock: FixedClock
) -> None:
    key = Ed25519PrivateKey.generate()
    _fill(session, clock, 3)
    made = checkpoints.checkpoint_now(session=session, clock=clock, key=key)
    assert made is not None
    verifier = ChainVerifier([made], public_keys={})
    for event in audit.events(session=session):
        if not verifier.feed(event):
            break
    report = verifier.finish()
    assert report.problem is not None
    assert report.problem.detected_by == "unknown signing key"


def test_swapping_in_a_public_key_the_attacker_controls_is_caught(
    session: Session, clock: FixedClock
) -> None:
    key = Ed25519PrivateKey.generate()
    _fill(session, clock, 3)
    checkpoints.checkpoint_now(session=session, clock=clock, key=key)
    session.execute(
        update(SigningKey).values(public_key=public_key_bytes(Ed25519PrivateKey.generate()))
    )
    session.expire_all()
    report = verify(session=session)
    assert report.problem is not None
    assert report.problem.detected_by == "key id mismatch"


def test_cutting_off_the_end_of_the_log_is_caught_by_a_later_checkpoint(
    session: Session, clock: FixedClock
) -> None:
    key = Ed25519PrivateKey.generate()
    _fill(session, clock, 6)
    checkpoints.checkpoint_now(session=session, clock=clock, key=key)
    last = audit.head(session)
    assert last is not None
    session.execute(delete(AuditEvent).where(AuditEvent.sequence >= last.sequence - 1))
    report = verify(session=session)
    assert report.problem is not None
    assert report.problem.detected_by == "checkpoint past the end"
    assert report.problem.sequence == last.sequence - 1


def test_old_checkpoints_verify_after_the_signing_key_is_replaced(
    session: Session, clock: FixedClock
) -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    _fill(session, clock, 3)
    checkpoints.checkpoint_now(session=session, clock=clock, key=old)
    _fill(session, clock, 3)
    checkpoints.checkpoint_now(session=session, clock=clock, key=new)
    report = verify(session=session)
    assert report.ok, report.problem
    assert report.checkpoints == 2
    assert len(report.signing_keys) == 2
    assert report.unsigned_tail == 0


def test_catch_up_signs_each_multiple_of_the_interval_once(
    session: Session, clock: FixedClock
) -> None:
    key = Ed25519PrivateKey.generate()
    _fill(session, clock, 9)
    made = checkpoints.catch_up(session=session, clock=clock, key=key, every=4)
    # Registering the key is itself an event (10), so the head is 10: multiples 4 and 8.
    assert [c.sequence for c in made] == [4, 8]
    assert checkpoints.catch_up(session=session, clock=clock, key=key, every=4) == []
    _fill(session, clock, 2)
    again = checkpoints.catch_up(session=session, clock=clock, key=key, every=4)
    assert [c.sequence for c in again] == [12]
    assert verify(session=session).checkpoints == 3


def test_verify_reports_events_after_the_last_checkpoint_as_unsigned(
    session: Session, clock: FixedClock
) -> None:
    key = Ed25519PrivateKey.generate()
    _fill(session, clock, 2)
    checkpoints.checkpoint_now(session=session, clock=clock, key=key)
    clock.advance(hours=1)
    _fill(session, clock, 4)
    report = verify(session=session)
    assert report.ok
    assert report.unsigned_tail == 4
    assert clock.now() - timedelta(hours=1) > report_at(session)


def report_at(session: Session) -> object:
    checkpoint = session.scalar(select(AuditCheckpoint))
    assert checkpoint is not None
    return checkpoint.at


def pins(*keys: Ed25519PrivateKey) -> dict[str, bytes]:
    return {signing_key_id(key): public_key_bytes(key) for key in keys}


def test_a_log_re_signed_with_a_key_of_the_attackers_own_is_caught(
    session: Session, clock: FixedClock
) -> None:
    ours, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    _fill(session, clock, 3)
    checkpoints.checkpoint_now(session=session, clock=clock, key=ours)
    event = session.get(AuditEvent, 2)
    assert event is not None
    event.details = {"n": "rewritten"}
    _rechain_from(session, 2)
    session.execute(delete(AuditCheckpoint))
    checkpoints.register_key(session=session, clock=clock, key=theirs)
    _rechain_from(session, 2)
    checkpoints.checkpoint_now(session=session, clock=clock, key=theirs)
    # Trusting the keys the database lists, the forged signatures look fine...
    assert verify(session=session).ok
    # ...so verify trusts only the pinned keys, and theirs was never pinned.
    report = verify(session=session, pinned_keys=pins(ours))
    assert report.problem is not None
    assert report.problem.detected_by == "unknown signing key"
    assert "pinned" in report.problem.message


def test_a_replaced_signing_key_verifies_once_pinned_beside_the_old_one(
    session: Session, clock: FixedClock
) -> None:
    ours, replacement = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    _fill(session, clock, 3)
    checkpoints.checkpoint_now(session=session, clock=clock, key=ours)
    _fill(session, clock, 2)
    checkpoints.checkpoint_now(session=session, clock=clock, key=replacement)
    report = verify(session=session, pinned_keys=pins(ours))
    assert report.problem is not None
    assert report.problem.detected_by == "unknown signing key"
    rotated = verify(session=session, pinned_keys=pins(ours, replacement))
    assert rotated.ok and rotated.anchored and rotated.checkpoints == 2
