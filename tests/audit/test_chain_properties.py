"""Property tests: any single alteration, insertion, deletion or reordering is detected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.audit.checkpoints import entry_of, signed_message
from dataward.audit.models import AuditCheckpoint, AuditEvent
from dataward.audit.verify import ChainVerifier, VerifyReport, verify
from dataward.core.clock import FixedClock
from dataward.core.crypto import public_key_bytes, signing_key_id

KEY = Ed25519PrivateKey.generate()
KEY_ID = signing_key_id(KEY)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FIELDS = (
    "sequence",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "subject",
    "details",
    "prev_hash",
    "hash",
)

texts = st.text(alphabet="abcdefghij._-:é", min_size=1, max_size=12)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)


@dataclass
class Spec:
    actor: str
    action: str
    object_type: str
    object_id: str | None
    subject: str | None
    details: dict[str, Any]


specs = st.builds(
    Spec,
    actor=texts,
    action=texts,
    object_type=texts,
    object_id=st.none() | texts,
    subject=st.none() | texts,
    details=st.dictionaries(texts, json_values, max_size=3),
)


def build_chain(items: list[Spec]) -> list[AuditEvent]:
    chain: list[AuditEvent] = []
    for n, spec in enumerate(items):
        chain.append(
            audit.next_event(
                chain[-1] if chain else None,
                at=START + timedelta(seconds=n),
                actor=spec.actor,
                action=spec.action,
                object_type=spec.object_type,
                object_id=spec.object_id,
                subject=spec.subject,
                details=spec.details,
            )
        )
    return chain


def checkpoint_of(event: AuditEvent) -> AuditCheckpoint:
    return AuditCheckpoint(
        sequence=event.sequence,
        hash=event.hash,
        signature=KEY.sign(signed_message(event.sequence, event.hash)),
        key_id=KEY_ID,
        at=event.at,
    )


def check(events: list[AuditEvent], checkpoints: list[AuditCheckpoint]) -> VerifyReport:
    verifier = ChainVerifier(checkpoints, {KEY_ID: public_key_bytes(KEY)})
    for event in sorted(events, key=lambda e: e.sequence):
        if not verifier.feed(event):
            break
    return verifier.finish()


def copy(event: AuditEvent) -> AuditEvent:
    return AuditEvent(**{name: getattr(event, name) for name in FIELDS})


def altered(value: Any, field: str, salt: int) -> Any:
    if field == "sequence":
        return value + 1000 + salt
    if field == "at":
        return value + timedelta(microseconds=salt + 1)
    if field in ("prev_hash", "hash"):
        flipped = "0" if value[salt % 64] != "0" else "1"
        return value[: salt % 64] + flipped + value[salt % 64 + 1 :]
    if field == "details":
        return {**value, f"extra{salt}": salt}
    if value is None:
        return f"x{salt}"
    return value + "x"


chains = st.lists(specs, min_size=2, max_size=12)
FAST = settings(max_examples=40, deadline=None)


@FAST
@given(chains)
def test_an_untouched_signed_chain_verifies(items: list[Spec]) -> None:
    chain = build_chain(items)
    report = check(chain, [checkpoint_of(chain[-1])])
    assert report.ok, report.problem
    assert report.events == len(chain)
    assert report.anchored


@FAST
@given(chains, st.data())
def test_altering_any_field_of_any_event_is_detected(
    items: list[Spec], data: st.DataObject
) -> None:
    chain = [copy(e) for e in build_chain(items)]
    index = data.draw(st.integers(0, len(chain) - 1), label="index")
    field = data.draw(st.sampled_from(FIELDS), label="field")
    salt = data.draw(st.integers(0, 1000), label="salt")
    checkpoints = [checkpoint_of(chain[-1])]
    setattr(chain[index], field, altered(getattr(chain[index], field), field, salt))
    report = check(chain, checkpoints)
    assert report.problem is not None
    assert report.problem.sequence == index + 1


@FAST
@given(chains, st.data())
def test_an_edit_with_every_later_hash_recomputed_is_caught_by_the_checkpoint(
    items: list[Spec], data: st.DataObject
) -> None:
    original = build_chain(items)
    checkpoints = [checkpoint_of(original[-1])]
    index = data.draw(st.integers(0, len(original) - 1), label="index")
    forged = [*items[:index], Spec("cli:mallory", "x.y", "z", None, None, {"forged": True})]
    chain = build_chain(forged + items[index + 1 :])
    report = check(chain, checkpoints)
    assert report.problem is not None
    assert report.problem.detected_by == "checkpoint mismatch"


@FAST
@given(chains, st.data())
def test_inserting_an_event_anywhere_before_the_end_is_detected(
    items: list[Spec], data: st.DataObject
) -> None:
    chain = [copy(e) for e in build_chain(items)]
    checkpoints = [checkpoint_of(chain[-1])]
    index = data.draw(st.integers(0, len(chain) - 1), label="index")
    spec = data.draw(specs, label="forged")
    forged = audit.next_event(
        chain[index - 1] if index else None,
        at=chain[index].at,
        actor=spec.actor,
        action=spec.action,
        object_type=spec.object_type,
        object_id=spec.object_id,
        subject=spec.subject,
        details=spec.details,
    )
    for later in chain[index:]:
        later.sequence += 1  # the primary key forces renumbering to make room
    report = check([*chain[:index], forged, *chain[index:]], checkpoints)
    assert report.problem is not None
    assert index + 1 <= report.problem.sequence <= index + 2


@FAST
@given(chains, st.data())
def test_deleting_any_event_is_detected(items: list[Spec], data: st.DataObject) -> None:
    chain = [copy(e) for e in build_chain(items)]
    checkpoints = [checkpoint_of(chain[-1])]
    index = data.draw(st.integers(0, len(chain) - 1), label="index")
    renumber = data.draw(st.booleans(), label="renumber")
    del chain[index]
    if renumber:
        for later in chain[index:]:
            later.sequence -= 1
    report = check(chain, checkpoints)
    assert report.problem is not None
    assert index + 1 <= report.problem.sequence <= index + 2


@FAST
@given(chains, st.data())
def test_reordering_two_events_is_detected(items: list[Spec], data: st.DataObject) -> None:
    chain = [copy(e) for e in build_chain(items)]
    checkpoints = [checkpoint_of(chain[-1])]
    first = data.draw(st.integers(0, len(chain) - 2), label="first")
    second = data.draw(st.integers(first + 1, len(chain) - 1), label="second")
    chain[first], chain[second] = chain[second], chain[first]
    chain[first].sequence, chain[second].sequence = first + 1, second + 1
    report = check(chain, checkpoints)
    assert report.problem is not None
    assert report.problem.sequence <= first + 1


TAMPERS = ("edit_details", "edit_actor", "edit_at", "delete", "rehash_prev")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    count=st.integers(2, 8),
    target=st.integers(0, 100),
    tamper=st.sampled_from(TAMPERS),
)
def test_tampering_with_stored_rows_is_detected_in_the_database(
    session: Session, clock: FixedClock, count: int, target: int, tamper: str
) -> None:
    savepoint = session.begin_nested()
    try:
        for n in range(count):
            audit.record(
                session=session,
                clock=clock,
                actor="system:test",
                action="test.step",
                object_type="step",
                details={"n": n},
            )
        assert verify(session=session).ok
        sequence = target % count + 1
        row = AuditEvent.sequence == sequence
        if tamper == "edit_details":
            session.execute(update(AuditEvent).where(row).values(details={"n": -1}))
        elif tamper == "edit_actor":
            session.execute(update(AuditEvent).where(row).values(actor="cli:mallory"))
        elif tamper == "edit_at":
            session.execute(
                update(AuditEvent).where(row).values(at=clock.now() + timedelta(days=1))
            )
        elif tamper == "delete":
            checkpoint = checkpoint_of(audit.head(session))  # type: ignore[arg-type]
            session.execute(delete(AuditEvent).where(row))
        else:
            session.execute(update(AuditEvent).where(row).values(prev_hash="f" * 64))
        session.expire_all()
        report = verify(session=session, batch=3)
        if tamper == "delete" and sequence == count:
            # Cutting the newest event is visible only against a checkpoint beyond it.
            assert report.ok
            events = list(audit.events(session=session))
            assert check(events, [checkpoint]).problem is not None
        else:
            assert report.problem is not None
            assert report.problem.sequence == sequence
    finally:
        savepoint.rollback()


# --- checkpoints and the witness --------------------------------------------------------------

THEIRS = Ed25519PrivateKey.generate()


def witnessed_check(
    events: list[AuditEvent], stored: list[AuditCheckpoint], witnessed: list[AuditCheckpoint]
) -> VerifyReport:
    """Verify as `dataward audit verify` does: pinned key only, against the witness."""
    verifier = ChainVerifier(
        stored,
        {KEY_ID: public_key_bytes(KEY)},
        witness=[entry_of(checkpoint) for checkpoint in witnessed],
    )
    for event in sorted(events, key=lambda e: e.sequence):
        if not verifier.feed(event):
            break
    return verifier.finish()


@st.composite
def signed_chains(draw: st.DrawFn) -> tuple[list[Spec], list[int]]:
    """A chain and the sequences its boundaries signed (always including the head)."""
    items = draw(chains)
    signed = draw(st.sets(st.integers(1, len(items)), max_size=len(items)))
    return items, sorted(signed | {len(items)})


@FAST
@given(signed_chains())
def test_a_chain_with_its_checkpoints_and_witness_verifies(
    case: tuple[list[Spec], list[int]],
) -> None:
    items, signed = case
    chain = build_chain(items)
    made = [checkpoint_of(chain[s - 1]) for s in signed]
    report = witnessed_check(chain, made, made)
    assert report.ok, report.problem
    assert report.witnessed == len(signed) and report.unsigned_tail == 0


@FAST
@given(signed_chains(), st.data())
def test_deleting_any_checkpoints_is_caught_by_the_witness(
    case: tuple[list[Spec], list[int]], data: st.DataObject
) -> None:
    items, signed = case
    chain = build_chain(items)
    made = [checkpoint_of(chain[s - 1]) for s in signed]
    gone = data.draw(st.sets(st.sampled_from(signed), min_size=1), label="deleted")
    kept = [c for c in made if c.sequence not in gone]
    report = witnessed_check(chain, kept, made)
    assert report.problem is not None
    assert report.problem.detected_by == "witness: checkpoint missing"
    assert report.problem.sequence == min(gone)


@FAST
@given(signed_chains(), st.data())
def test_cutting_the_chain_short_of_the_witness_is_caught(
    case: tuple[list[Spec], list[int]], data: st.DataObject
) -> None:
    items, signed = case
    chain = build_chain(items)
    made = [checkpoint_of(chain[s - 1]) for s in signed]
    keep = data.draw(st.integers(0, len(chain) - 1), label="kept")
    # The attacker deletes the checkpoints past the cut too, so only the witness remains.
    report = witnessed_check(chain[:keep], [c for c in made if c.sequence <= keep], made)
    assert report.problem is not None
    assert report.problem.kind == "removed"
    assert report.problem.sequence == keep + 1


@FAST
@given(signed_chains(), st.data(), st.booleans())
def test_a_rewrite_re_hashed_and_re_signed_is_caught(
    case: tuple[list[Spec], list[int]], data: st.DataObject, resign_with_pinned_key: bool
) -> None:
    items, signed = case
    original = build_chain(items)
    made = [checkpoint_of(original[s - 1]) for s in signed]
    index = data.draw(st.integers(0, len(items) - 1), label="index")
    forged_items = [*items[:index], Spec("cli:mallory", "x.y", "z", None, None, {"f": 1})]
    chain = build_chain(forged_items + items[index + 1 :])
    # Even a signature by the real key (say, stolen) does not match what the witness saw.
    signer = KEY if resign_with_pinned_key else THEIRS
    resigned = [
        AuditCheckpoint(
            sequence=event.sequence,
            hash=event.hash,
            signature=signer.sign(signed_message(event.sequence, event.hash)),
            key_id=signing_key_id(signer),
            at=event.at,
        )
        for event in chain
        if event.sequence in signed and event.sequence > index
    ]
    untouched = [c for c in made if c.sequence <= index]
    report = witnessed_check(chain, untouched + resigned, made)
    assert report.problem is not None
    first_witnessed_after_edit = min(s for s in signed if s >= index + 1)
    assert report.problem.sequence == first_witnessed_after_edit
    # A key of their own is refused as unpinned; a stolen one signs, but not what was witnessed.
    expected = "witness mismatch" if resign_with_pinned_key else "unknown signing key"
    assert report.problem.detected_by == expected
