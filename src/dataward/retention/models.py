"""Tables of the retention domain: legal holds, sweep runs and batches, leases, review tasks."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataward.core.db import Base, UTCDateTime


class HoldScope(enum.StrEnum):
    PERSON = "person"
    RECORD = "record"
    COLLECTION = "collection"


class SweepStatus(enum.StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # the process died; later sweeps finish its batches


class BatchStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class ReviewStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


def _enum(cls: type[enum.StrEnum], name: str) -> sa.Enum:
    # The plain value in a VARCHAR with a CHECK: portable and readable in SQL.
    return sa.Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class LegalHold(Base):
    """Keeps a person's records, one record, or a whole collection from sweeps and erasure.

    A person hold stores only the keyed hash of the identifier (and the person, whose details
    are encrypted in `people`), never the identifier itself.
    """

    __tablename__ = "legal_holds"
    __table_args__ = (
        sa.Index("ix_legal_holds_target", "scope", "system", "collection", "released_at"),
        sa.Index("ix_legal_holds_key_digest", "key_digest"),
        sa.Index("ix_legal_holds_identity_hash", "identity_hash"),
        sa.Index("ix_legal_holds_person_pseudonym", "person_pseudonym"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    scope: Mapped[HoldScope] = mapped_column(_enum(HoldScope, "hold_scope"))
    system: Mapped[str | None] = mapped_column(sa.String(200))
    collection: Mapped[str | None] = mapped_column(sa.String(200))
    record_key: Mapped[str | None] = mapped_column(sa.Text)
    key_digest: Mapped[str | None] = mapped_column(sa.String(64))
    person_pseudonym: Mapped[str | None] = mapped_column(sa.ForeignKey("people.pseudonym"))
    identity_kind: Mapped[str | None] = mapped_column(sa.String(50))
    identity_hash: Mapped[str | None] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.Text)
    review_on: Mapped[date | None] = mapped_column(sa.Date)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    placed_by: Mapped[str] = mapped_column(sa.String(200))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[str | None] = mapped_column(sa.String(200))
    release_reason: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def active(self) -> bool:
        return self.released_at is None

    @property
    def target(self) -> str:
        """What the hold covers, for lists and reports (never the person's identifier)."""
        if self.scope == HoldScope.PERSON:
            return f"person ({self.identity_kind})"
        if self.scope == HoldScope.COLLECTION:
            return f"{self.system}/{self.collection}"
        return f"{self.system}/{self.collection}/{self.record_key}"


class SweepRun(Base):
    __tablename__ = "retention_sweep_runs"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[SweepStatus] = mapped_column(_enum(SweepStatus, "sweep_status"))
    policy_path: Mapped[str] = mapped_column(sa.Text)
    policy_digest: Mapped[str] = mapped_column(sa.String(64))
    actor: Mapped[str] = mapped_column(sa.String(200))
    holder: Mapped[str | None] = mapped_column(sa.String(200))  # host:pid:run, as leases name it
    system: Mapped[str | None] = mapped_column(sa.String(200))
    collection: Mapped[str | None] = mapped_column(sa.String(200))
    summary: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)


class SweepBatch(Base):
    """One batch of keys a sweep acts on.

    Written as pending (with the keys, so a restart can finish it) before the connector acts,
    and marked done with its evidence after; the keys are then dropped.
    """

    __tablename__ = "retention_sweep_batches"
    __table_args__ = (
        sa.UniqueConstraint("run_id", "system", "collection", "number"),
        sa.Index("ix_retention_sweep_batches_open", "status", "system", "collection"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(sa.ForeignKey("retention_sweep_runs.id"))
    system: Mapped[str] = mapped_column(sa.String(200))
    collection: Mapped[str] = mapped_column(sa.String(200))
    number: Mapped[int] = mapped_column(sa.Integer)
    rule: Mapped[str] = mapped_column(sa.String(200))
    action: Mapped[str] = mapped_column(sa.String(20))
    cutoff_on: Mapped[date] = mapped_column(sa.Date)
    keys: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    keys_digest: Mapped[str] = mapped_column(sa.String(64))
    # Once done: the sorted SHA-256 digests of the keys acted on (and of those the source
    # refused), one per line; the batch's audit event chains their `keys_digest`.
    key_digests: Mapped[str | None] = mapped_column(sa.Text)
    blocked_digests: Mapped[str | None] = mapped_column(sa.Text)
    count: Mapped[int] = mapped_column(sa.Integer)
    acted: Mapped[int | None] = mapped_column(sa.Integer)
    status: Mapped[BatchStatus] = mapped_column(_enum(BatchStatus, "sweep_batch_status"))
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audit_event_id: Mapped[int | None] = mapped_column(sa.Integer)


# The texts a batch writes (its pending keys, then its key digests: 1.6 MB of hex for 25,000
# keys) are stored as they are on PostgreSQL: the default pglz compression gains nothing on hex
# digests and spent ~95 ms a batch trying (a tenth of a 1M-row sweep). The same in migration 0017.
UNCOMPRESSED_BATCH_COLUMNS = ("keys", "key_digests", "blocked_digests")
sa.event.listen(
    SweepBatch.__table__,
    "after_create",
    sa.DDL(  # type: ignore[no-untyped-call]
        f"ALTER TABLE {SweepBatch.__tablename__} "
        + ", ".join(f"ALTER COLUMN {c} SET STORAGE EXTERNAL" for c in UNCOMPRESSED_BATCH_COLUMNS)
    ).execute_if(dialect="postgresql"),
)


class SweepLease(Base):
    """Only one sweep acts on a system's collection at a time (a lock row with an expiry)."""

    __tablename__ = "retention_sweep_leases"

    system: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    collection: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReviewTask(Base):
    """A `review` rule's period has passed for some records: a person decides what goes."""

    __tablename__ = "retention_review_tasks"
    __table_args__ = (
        sa.Index("ix_retention_review_tasks_open", "status", "rule", "system", "collection"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(sa.String(200))
    system: Mapped[str] = mapped_column(sa.String(200))
    collection: Mapped[str] = mapped_column(sa.String(200))
    count: Mapped[int] = mapped_column(sa.Integer)
    cutoff_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[ReviewStatus] = mapped_column(_enum(ReviewStatus, "review_status"))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(sa.String(200))
    resolution: Mapped[str | None] = mapped_column(sa.Text)


class AnonymisedRecord(Base):
    """A record a sweep anonymised: it still matches its rule, and must not be done twice."""

    __tablename__ = "retention_anonymised_records"
    __table_args__ = (sa.UniqueConstraint("system", "collection", "key_digest"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    system: Mapped[str] = mapped_column(sa.String(200))
    collection: Mapped[str] = mapped_column(sa.String(200))
    key_digest: Mapped[str] = mapped_column(sa.String(64))
    rule: Mapped[str] = mapped_column(sa.String(200))
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("retention_sweep_batches.id"))
    anonymised_at: Mapped[datetime] = mapped_column(UTCDateTime)
