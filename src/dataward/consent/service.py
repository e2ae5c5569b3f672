"""The suppression list: addresses and numbers never to be marketed to, as keyed hashes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.consent.models import SuppressionEntry
from dataward.core import bulk_lookup
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


# --- whole lists -----------------------------------------------------------------------------

KINDS = ("email", "phone")
# One query per chunk of hashes looked up or inserted: bounded statements, bounded memory.
CHUNK = 1_000
# A screen holds the list in memory up to this many entries of a kind (~80 MB), else asks.
SNAPSHOT_LIMIT = 500_000
HASH_SHAPE = re.compile(r"[0-9a-f]{64}")


@dataclass
class Added:
    """What a bulk suppression did: new entries, ones already there, values that were not
    an address or a number (skipped, counted)."""

    added: int = 0
    already: int = 0
    invalid: int = 0

    def __iadd__(self, other: Added) -> Added:
        self.added += other.added
        self.already += other.already
        self.invalid += other.invalid
        return self


def identifier_kind(kind: str) -> str | None:
    """The suppression kind of a dataset identity or a CSV column (email, phone), or None."""
    lowered = kind.strip().lower()
    if lowered in ("email", "email_address"):
        return "email"
    if lowered in ("phone", "phone_number", "mobile", "telephone"):
        return "phone"
    return None


def hashed(keyring: Keyring, kind: str, value: str) -> str | None:
    """The keyed hash of an address or number, or None when it is not one."""
    try:
        return keyring.identifier_hash(kind, value)
    except UsageError:
        return None


def suppress_many(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    identifiers: Iterable[tuple[str, str]],
    reason: str,
) -> Added:
    """Suppress (kind, value) pairs in bulk; a value that is not an address is counted, not
    fatal (a sweep must not stop on one malformed address in a source system)."""
    keyring.attach(session)
    tally = Added()
    pairs: list[tuple[str, str]] = []
    for kind, value in identifiers:
        identifier_hash = hashed(keyring, kind, value)
        if identifier_hash is None:
            tally.invalid += 1
        else:
            pairs.append((kind, identifier_hash))
    tally += add_hashes(
        session=session, keyring=keyring, clock=clock, actor=actor, hashes=pairs, reason=reason
    )
    return tally


def add_hashes(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    hashes: Iterable[tuple[str, str]],
    reason: str,
) -> Added:
    """Put already-hashed entries on the list (an import from another Dataward with the same
    index key, or the bulk path above), each new one with its audit event."""
    if not reason.strip():
        raise UsageError("say why it is suppressed", fix="e.g. 'unsubscribe link', 'Art 21'")
    keyring.attach(session)
    given = list(hashes)
    wanted = list(dict.fromkeys(given))
    tally = Added(already=len(given) - len(wanted))  # the same entry twice in one list
    for kind, identifier_hash in wanted:
        if kind not in KINDS or not HASH_SHAPE.fullmatch(identifier_hash):
            raise UsageError(
                f"{kind!r}, {identifier_hash[:80]!r} is not a suppression entry",
                fix="give kind email or phone and a hash of 64 hex digits, as an export has",
            )
    now = clock.now().astimezone(UTC)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        present = set(
            session.execute(
                select(SuppressionEntry.kind, SuppressionEntry.identifier_hash).where(
                    SuppressionEntry.identifier_hash.in_([h for _, h in chunk])
                )
            )
        )
        new = [(k, h) for k, h in chunk if (k, h) not in present]
        tally.already += len(chunk) - len(new)
        new_entries = [
            SuppressionEntry(kind=k, identifier_hash=h, reason=reason.strip(), created_at=now)
            for k, h in new
        ]
        session.add_all(new_entries)
        session.flush()
        audit.record_many(
            session=session,
            clock=clock,
            events=(
                audit.NewEvent(
                    actor=actor,
                    action="consent.suppression.added",
                    object_type="suppression_entry",
                    object_id=str(entry.id),
                    details={
                        "kind": entry.kind,
                        "identifier": keyring.digest(entry.identifier_hash),
                    },
                )
                for entry in new_entries
            ),
        )
        tally.added += len(new_entries)
    return tally


def suppressed_hashes(*, session: Session, kind: str, hashes: Iterable[str]) -> set[str]:
    """Which of these hashes of one kind are on the list (for screening whole lists): one
    query per thousand hashes."""
    return bulk_lookup.present(
        session,
        table=SuppressionEntry.__tablename__,
        key="identifier_hash",
        values=hashes,
        equal=[("kind", kind)],
    )


def snapshot(*, session: Session, kind: str, limit: int | None = None) -> frozenset[str] | None:
    """Every hash of one kind on the list, read once for a screen of a whole list; None when
    there are more than `limit` (SNAPSHOT_LIMIT): the screen then asks a thousand at a time.

    A screen judges every row against the list as it stood when it started: an entry added
    while it runs applies from the next screen (and to every single check at once)."""
    count = session.scalar(
        select(func.count()).select_from(SuppressionEntry).where(SuppressionEntry.kind == kind)
    )
    if (count or 0) > (SNAPSHOT_LIMIT if limit is None else limit):
        return None
    rows = session.execute(
        select(SuppressionEntry.identifier_hash).where(SuppressionEntry.kind == kind)
    )
    return frozenset(h for (h,) in rows)


def entries(*, session: Session) -> Iterator[SuppressionEntry]:
    """Every entry, oldest first, streamed (an export of hashes)."""
    yield from session.scalars(
        select(SuppressionEntry).order_by(SuppressionEntry.id).execution_options(yield_per=CHUNK)
    )


def counts(*, session: Session) -> dict[str, int]:
    rows = session.execute(
        select(SuppressionEntry.kind, func.count()).group_by(SuppressionEntry.kind)
    )
    found = dict.fromkeys(KINDS, 0)
    found.update({kind: int(n) for kind, n in rows})
    return found


def key_check(keyring: Keyring, session: Session) -> str:
    """A value that only this deployment's index key gives: an export carries it, so an import
    can tell hashes made with another key (which would silently match nothing)."""
    keyring.attach(session)
    return keyring.digest("suppression-export-key-check")[:16]
