"""The JSON shapes of the disclosure register's API."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from dataward.core.schemas import Schema


class DisclosureIn(Schema):
    requester_kind: str = Field(max_length=40)
    requester: str = Field(min_length=1, max_length=2000)
    ground: str = Field(max_length=60)
    asked: str = Field(min_length=1, max_length=2000)
    tickets: list[str] = Field(default_factory=list, max_length=20)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)


class DecisionIn(Schema):
    note: str = Field(min_length=1, max_length=2000)


class ReleaseIn(Schema):
    released_what: str = Field(min_length=1, max_length=2000)
    package_name: str = Field(min_length=1, max_length=255)
    package_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class DisclosureOut(Schema):
    """A disclosure; the texts are null for a caller who may not read personal data."""

    id: int
    status: str
    requester_kind: str
    ground: str
    ground_text: str
    tickets: list[str]
    opened_at: datetime
    opened_by: str
    decided_at: datetime | None
    decided_by: str | None
    decided_as: str | None
    released_at: datetime | None
    package_name: str | None
    package_sha256: str | None
    requester: str | None = None
    asked: str | None = None
    decision_note: str | None = None
    released_what: str | None = None
