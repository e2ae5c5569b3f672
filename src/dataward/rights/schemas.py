"""Pydantic shapes of the rights domain: what a request is opened with, and how it is shown."""

from __future__ import annotations

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
