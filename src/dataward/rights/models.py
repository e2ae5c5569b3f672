"""Tables of the rights domain: requests, their pauses, per-system tasks and per-record items."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dataward.core.db import Base, UTCDateTime


class RequestKind(enum.StrEnum):
    ACCESS = "access"
    ERASURE = "erasure"
    RECTIFICATION = "rectification"
    RESTRICTION = "restriction"
    OBJECTION = "objection"
    PORTABILITY = "portability"


class RequestState(enum.StrEnum):
    RECEIVED = "received"
    AWAITING_VERIFICATION = "awaiting_verification"
    VERIFIED = "verified"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    AWAITING_REVIEW = "awaiting_review"
    COMPLETED = "completed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


CLOSED_STATES = frozenset({RequestState.COMPLETED, RequestState.REFUSED, RequestState.WITHDRAWN})


class VerificationMethod(enum.StrEnum):
    EMAIL_CODE = "email_code"
    EVIDENCE = "evidence"


class TaskMode(enum.StrEnum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"


class TaskState(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ItemOutcome(enum.StrEnum):
    ERASED = "erased"
    ANONYMISED = "anonymised"
    RECTIFIED = "rectified"
    KEPT = "kept"
    HELD = "held"
    RESTRICTED = "restricted"


def _enum(cls: type[enum.StrEnum], name: str) -> sa.Enum:
    # Stored as the plain value in a VARCHAR with a CHECK: portable, readable in SQL.
    return sa.Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class RightsRequest(Base):
    __tablename__ = "rights_requests"
    __table_args__ = (
        sa.Index("ix_rights_requests_state_due_on", "state", "due_on"),
        sa.Index("ix_rights_requests_due_on", "due_on"),
        sa.Index("ix_rights_requests_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(32), unique=True)
    kind: Mapped[RequestKind] = mapped_column(_enum(RequestKind, "request_kind"))
    state: Mapped[RequestState] = mapped_column(_enum(RequestState, "request_state"))
    # The requester in the encrypted people store (people.service); never an email here.
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    # The requester's pseudonym, for audit events and logs without a join.
    person_pseudonym: Mapped[str] = mapped_column(sa.String(40))
    # The organisation's nation when the request arrived: it picks the bank holidays.
    nation: Mapped[str] = mapped_column(sa.String(32))
    received_on: Mapped[date] = mapped_column(sa.Date)
    # The latest of receipt, identity, authority and fee (RULES.md §1): the clock starts here.
    start_on: Mapped[date] = mapped_column(sa.Date)
    due_on: Mapped[date] = mapped_column(sa.Date)
    extended_due_on: Mapped[date | None] = mapped_column(sa.Date)
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    extension_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_days: Mapped[int] = mapped_column(sa.Integer, default=0)
    # data_use keys the objection or restriction is about.
    purposes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Sealed JSON under the person's data key: extra identities, rectification changes, text.
    details_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    policy_path: Mapped[str] = mapped_column(sa.String(1024))
    policy_digest: Mapped[str] = mapped_column(sa.String(64))
    verification_method: Mapped[VerificationMethod | None] = mapped_column(
        _enum(VerificationMethod, "verification_method")
    )
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by: Mapped[str | None] = mapped_column(sa.String(200))
    verification_evidence: Mapped[str | None] = mapped_column(sa.Text)
    refused_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pauses: Mapped[list[RequestPause]] = relationship(
        back_populates="request", order_by="RequestPause.id", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[RequestTask]] = relationship(
        back_populates="request", order_by="RequestTask.system", cascade="all, delete-orphan"
    )
    items: Mapped[list[RequestItem]] = relationship(
        back_populates="request", order_by="RequestItem.id", cascade="all, delete-orphan"
    )
    identities: Mapped[list[RequestIdentity]] = relationship(
        order_by="RequestIdentity.id", cascade="all, delete-orphan"
    )
    review_items: Mapped[list[ReviewItem]] = relationship(
        order_by="ReviewItem.id", cascade="all, delete-orphan"
    )

    @property
    def effective_due_on(self) -> date:
        """The date that binds now: the extended one once an extension was granted."""
        return self.extended_due_on or self.due_on

    @property
    def is_open(self) -> bool:
        return self.state not in CLOSED_STATES


class RequestPause(Base):
    """A clarification asked of the requester (Art 12A): these days do not count."""

    __tablename__ = "rights_request_pauses"
    __table_args__ = (sa.Index("ix_rights_request_pauses_request_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("rights_requests.id", ondelete="CASCADE"))
    asked_on: Mapped[date] = mapped_column(sa.Date)
    answered_on: Mapped[date | None] = mapped_column(sa.Date)
    # The state to return to when the answer arrives.
    resume_state: Mapped[RequestState] = mapped_column(_enum(RequestState, "pause_resume_state"))

    request: Mapped[RightsRequest] = relationship(back_populates="pauses")


class RequestTask(Base):
    """The work on one system for one request; resumable, so its state is stored."""

    __tablename__ = "rights_request_tasks"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "system", name="uq_rights_request_tasks_request_system"),
        sa.Index("ix_rights_request_tasks_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("rights_requests.id", ondelete="CASCADE"))
    system: Mapped[str] = mapped_column(sa.String(200))
    mode: Mapped[TaskMode] = mapped_column(_enum(TaskMode, "task_mode"))
    state: Mapped[TaskState] = mapped_column(_enum(TaskState, "task_state"))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Counts only (rows found, erased, kept...): never personal data.
    summary: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    request: Mapped[RightsRequest] = relationship(back_populates="tasks")


class RequestItem(Base):
    """What happened to one record, by key digest, with the ground for anything kept."""

    __tablename__ = "rights_request_items"
    __table_args__ = (
        sa.Index("ix_rights_request_items_request_id", "request_id"),
        # The access letter looks up what earlier erasures kept, by key digest.
        sa.Index("ix_rights_request_items_key_digest", "key_digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("rights_requests.id", ondelete="CASCADE"))
    system: Mapped[str] = mapped_column(sa.String(200))
    collection: Mapped[str] = mapped_column(sa.String(200))
    key_digest: Mapped[str] = mapped_column(sa.String(128))
    outcome: Mapped[ItemOutcome] = mapped_column(_enum(ItemOutcome, "item_outcome"))
    ground: Mapped[str | None] = mapped_column(sa.String(100))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    until_on: Mapped[date | None] = mapped_column(sa.Date)

    request: Mapped[RightsRequest] = relationship(back_populates="items")


class VerificationCode(Base):
    """A one-time code emailed to the requester; only its hash is kept."""

    __tablename__ = "rights_verification_codes"
    __table_args__ = (sa.Index("ix_rights_verification_codes_request_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("rights_requests.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a newer code replaces this one, so only the latest can be used.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The identity the code proves ("email" or "phone_number"): a code proves only its address.
    identity: Mapped[str] = mapped_column(sa.String(100), default="email", server_default="email")
    # Keyed digest of the address it went to, so sends per address can be counted across
    # requests without keeping the address itself.
    address_digest: Mapped[str | None] = mapped_column(sa.String(128), index=True)


class IdentityMethod(enum.StrEnum):
    EMAIL_CODE = "email_code"
    SMS_CODE = "sms_code"
    # Staff rang the number back and checked who answered.
    CALL_BACK = "call_back"
    # Staff checked a document or record (an invoice, a passport) against the requester.
    EVIDENCE = "evidence"
    # Staff running a direct command at the server vouched for the identities they gave.
    STAFF_ASSERTED = "staff_asserted"


class RequestIdentity(Base):
    """One identity a request was opened with, by type only (the value is sealed elsewhere),
    and whether it was proved: only proved identities are searched by."""

    __tablename__ = "rights_request_identities"
    __table_args__ = (
        sa.UniqueConstraint(
            "request_id", "identity", name="uq_rights_request_identities_request_identity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("rights_requests.id", ondelete="CASCADE"))
    # "email", "phone_number" or a reference type a dataset declares ("customer_number").
    identity: Mapped[str] = mapped_column(sa.String(100))
    method: Mapped[IdentityMethod | None] = mapped_column(_enum(IdentityMethod, "identity_method"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verified_by: Mapped[str | None] = mapped_column(sa.String(200))
    evidence: Mapped[str | None] = mapped_column(sa.Text)

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class ReviewDecision(enum.StrEnum):
    INCLUDE = "include"
    EXCLUDE = "exclude"


class ReviewItem(Base):
    """A record found for the request that names someone else: set aside until staff decide
    whether it is the requester's (include) or not (exclude)."""

    __tablename__ = "rights_review_items"
    __table_args__ = (
        sa.UniqueConstraint(
            "request_id", "system", "collection", "key_digest", name="uq_rights_review_items_record"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("rights_requests.id", ondelete="CASCADE"))
    system: Mapped[str] = mapped_column(sa.String(200))
    collection: Mapped[str] = mapped_column(sa.String(200))
    key_digest: Mapped[str] = mapped_column(sa.String(128))
    # Why it was set aside, without the other person's value.
    reason: Mapped[str] = mapped_column(sa.Text)
    decision: Mapped[ReviewDecision | None] = mapped_column(
        _enum(ReviewDecision, "review_decision")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(sa.String(200))
    note: Mapped[str | None] = mapped_column(sa.Text)


class PublicProof(Base):
    """A code the privacy centre emailed to prove an address outside a request's own
    verification: to see a request's status again ("status"), or one's details ("details")."""

    __tablename__ = "rights_public_proofs"
    __table_args__ = (sa.Index("ix_rights_public_proofs_email_hash", "email_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(16))
    # The address by keyed hash (people.identifier_hash), never in plain text.
    email_hash: Mapped[str] = mapped_column(sa.String(64))
    request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("rights_requests.id", ondelete="CASCADE")
    )
    # For "details": the address sealed (keyring.seal_note), to search the systems by; cleared
    # once the proof can no longer be used.
    email_ct: Mapped[str | None] = mapped_column(sa.Text)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    proved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DownloadLink(Base):
    """A single-use link to a request's package: only the token's keyed digest is stored."""

    __tablename__ = "rights_download_links"
    __table_args__ = (sa.Index("ix_rights_download_links_request_id", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("rights_requests.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
