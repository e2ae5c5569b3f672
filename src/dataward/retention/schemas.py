"""Pydantic shapes of the retention domain's API: holds, runs and their evidence, reviews,
the forecast. Hidden fields (a hold's reason, a person) are null for roles that may not read
personal data."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from dataward.core.schemas import Schema
from dataward.retention.models import HoldScope, ReviewStatus, SweepStatus

NOTE = Field(min_length=1, max_length=2000)


class HoldIn(Schema):
    """A hold on a person (email or phone), a record (system, collection, key) or a collection."""

    scope: HoldScope
    reason: str = NOTE
    review_on: date | None = None
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    system: str | None = Field(default=None, max_length=200)
    collection: str | None = Field(default=None, max_length=200)
    key: str | None = Field(default=None, max_length=1000)


class ReasonIn(Schema):
    reason: str = NOTE


class NoteIn(Schema):
    note: str = NOTE


class HoldOut(Schema):
    id: int
    scope: HoldScope
    target: str
    system: str | None
    collection: str | None
    record_key: str | None
    person: str | None
    reason: str | None
    review_on: date | None
    due_for_review: bool
    placed_at: datetime
    placed_by: str
    released_at: datetime | None
    released_by: str | None
    release_reason: str | None


class RunOut(Schema):
    id: int
    started_at: datetime
    finished_at: datetime | None
    status: SweepStatus
    actor: str
    system: str | None
    collection: str | None
    policy_digest: str
    acted: int | None
    held: int | None
    error: str | None


class CollectionOutcomeOut(Schema):
    system: str
    collection: str
    rule: str
    action: str
    cutoff: str
    status: str
    found: int
    acted: int
    held: int
    exempt: int
    to_review: int
    error: str | None


class BatchEvidenceOut(Schema):
    batch: int
    number: int
    system: str
    collection: str
    rule: str
    action: str
    cutoff: date
    at: datetime | None
    audit_sequence: int | None
    count: int
    key_digests: list[str]
    refused_key_digests: list[str]
    verified: bool
    problem: str | None


class RunDetailOut(RunOut):
    collections: list[CollectionOutcomeOut]
    batches: list[BatchEvidenceOut]


class SweepIn(Schema):
    system: str | None = Field(default=None, max_length=200)


class QueuedOut(Schema):
    job: int
    state: str


class ForecastRowOut(Schema):
    rule: str
    system: str
    collection: str
    action: str
    held: bool
    due_now: int
    by_month: list[int]


class ForecastOut(Schema):
    today: date
    months: list[str]
    due_now: int
    totals_by_month: list[int]
    rows: list[ForecastRowOut]


class ReviewOut(Schema):
    id: int
    rule: str
    system: str
    collection: str
    count: int
    cutoff_on: date
    status: ReviewStatus
    raised_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None
