"""Pydantic shapes of the rights domain: what a request is opened with, and how it is shown."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dataward.rights.models import (
    IdentityMethod,
    ItemOutcome,
    RequestKind,
    RequestState,
    ReviewDecision,
    TaskMode,
    TaskState,
    VerificationMethod,
)

# The identity types the connectors know without a declaration (DatasetField.identity).
EMAIL = "email"
PHONE_NUMBER = "phone_number"


class RequesterIdentities(BaseModel):
    """Who the request is about: an email, a phone number and any custom references.

    `extra` maps a custom identity type declared on a dataset field (e.g. `account_number`)
    to its value. Email and phone are kept normalised so they match what connectors search.
    """

    model_config = ConfigDict(frozen=True)

    email: str | None = None
    phone: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)

    def is_empty(self) -> bool:
        return self.email is None and self.phone is None and not self.extra

    def by_type(self) -> dict[str, set[str]]:
        """Identity type → values: the shape of `connectors.service.Identities.values`."""
        values: dict[str, set[str]] = {}
        if self.email is not None:
            values[EMAIL] = {self.email}
        if self.phone is not None:
            values[PHONE_NUMBER] = {self.phone}
        for kind, value in self.extra.items():
            values.setdefault(kind, set()).add(value)
        return values


class SealedDetails(BaseModel):
    """What is kept sealed under the requester's key in `RightsRequest.details_ct`."""

    extra_identities: dict[str, str] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)


class PauseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    asked_on: date
    answered_on: date | None


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    system: str
    mode: TaskMode
    state: TaskState
    attempts: int
    last_error: str | None
    started_at: datetime | None
    finished_at: datetime | None
    summary: dict[str, Any]


class ItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    system: str
    collection: str
    key_digest: str
    outcome: ItemOutcome
    ground: str | None
    reason: str | None
    until_on: date | None


class IdentityOut(BaseModel):
    """One identity the request was opened with (its type, never its value) and its proof."""

    identity: str
    verified: bool
    searched_by: bool
    method: IdentityMethod | None
    verified_at: datetime | None
    verified_by: str | None
    evidence: str | None
    # Why it is not searched by, when it is not.
    dropped_because: str | None


class ReviewItemOut(BaseModel):
    """A record that names someone else, set aside until staff include or exclude it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    system: str
    collection: str
    key_digest: str
    reason: str
    decision: ReviewDecision | None
    decided_at: datetime | None
    decided_by: str | None
    note: str | None


class RequestSummary(BaseModel):
    """One line of `rights list`: no personal data, only the pseudonym."""

    reference: str
    kind: RequestKind
    state: RequestState
    person: str
    received_on: date
    due_on: date
    days_left: int
    overdue: bool
    extended: bool
    clock_stopped: bool


class RequestDetail(RequestSummary):
    """`rights show`: dates, verification, the work per system and what happened per record."""

    nation: str
    start_on: date
    original_due_on: date
    extended_due_on: date | None
    extension_reason: str | None
    extension_told_at: datetime | None
    paused_days: int
    purposes: list[str]
    policy_path: str
    policy_digest: str
    verification_method: VerificationMethod | None
    verified_at: datetime | None
    verified_by: str | None
    verification_evidence: str | None
    refused_reason: str | None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    pauses: list[PauseOut]
    tasks: list[TaskOut]
    items: list[ItemOut]
    identities: list[IdentityOut] = Field(default_factory=list)
    review: list[ReviewItemOut] = Field(default_factory=list)


# --- the staff console and the JSON API -----------------------------------------------------


class DueStatus(enum.StrEnum):
    """How close an open request is to its due date, as the console colours it."""

    RED = "red"  # overdue, or due within RED_WITHIN_DAYS
    AMBER = "amber"  # due within AMBER_WITHIN_DAYS
    GREEN = "green"
    CLOSED = "closed"


class RequestLine(RequestSummary):
    """One row of the request list: the summary and its due-date colour."""

    due_status: DueStatus


class RequestPage(BaseModel):
    """A page of requests by due date, with how many match in all."""

    items: list[RequestLine]
    total: int
    offset: int
    limit: int


class TimelineEntry(BaseModel):
    """One event of the request's audit trail, said in words."""

    sequence: int
    at: datetime
    actor: str  # the audit log's key: user:7, token:3, system:rights
    by: str  # the same in words: the account's name, the token's name, "Dataward (rights)"
    action: str
    said: str


class DeskSummary(BaseModel):
    """The dashboard's view of requests: what is due first, and what waits for staff."""

    open: int
    overdue: int
    paused: int
    awaiting_review: int
    records_to_review: int
    first_due: list[RequestLine]


class OpenRequestIn(BaseModel):
    """What `rights open` takes: the kind, who it is about and what it asks."""

    model_config = ConfigDict(extra="forbid")

    kind: RequestKind
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=200)
    refs: dict[str, str] = Field(default_factory=dict, max_length=20)
    received_on: date | None = None
    purposes: list[str] = Field(default_factory=list, max_length=50)
    changes: dict[str, str] = Field(default_factory=dict, max_length=50)
    note: str | None = Field(default=None, max_length=10_000)


class SendCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    by: str | None = Field(default=None, description="email or sms (default: the first unproved)")


class CodeSentOut(BaseModel):
    reference: str
    code_sent: bool
    sent_to: str
    expires_at: datetime


class VerifyIn(BaseModel):
    """A code the requester received, or what staff saw (one of the two)."""

    model_config = ConfigDict(extra="forbid")

    code: str | None = Field(default=None, max_length=20)
    evidence: str | None = Field(default=None, max_length=2000)
    identity: str | None = Field(
        default=None, max_length=100, description="email (default), phone or ref:KEY"
    )
    identity_on: date | None = None
    by_call_back: bool = False


class VerifyOut(BaseModel):
    reference: str
    verified: bool
    # Why a code did not verify (the failed attempt still counts).
    problem: str | None = None
    start_on: date
    due_on: date
    not_verified: list[str] = Field(default_factory=list)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class WithdrawIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=200)


class ExtendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)
    told_on: date


class PauseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    asked_on: date


class ResumeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answered_on: date


class ReviewIn(BaseModel):
    """Set-aside records to include (they are the requester's) or exclude (someone else's)."""

    model_config = ConfigDict(extra="forbid")

    include: list[int] = Field(default_factory=list, max_length=500)
    exclude: list[int] = Field(default_factory=list, max_length=500)
    note: str | None = Field(default=None, max_length=2000)


class ReviewOut(BaseModel):
    reference: str
    items: list[ReviewItemOut]
    requeued: bool


class TaskDoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    system: str = Field(min_length=1, max_length=200)


class RunOut(BaseModel):
    """What a run did: finished or not, and why not per system."""

    reference: str
    state: RequestState
    finished: bool
    failed: dict[str, str]
    waiting: dict[str, str]
    manual: list[str]
    set_aside: dict[str, str]
    package_stored: bool


class RefusalOut(BaseModel):
    reference: str
    state: RequestState
    notice: str


class LetterOut(BaseModel):
    """The letter to the person: the refusal notice (text) or the access letter (HTML)."""

    reference: str
    letter: str = Field(description="refusal or access")
    media_type: str
    body: str
