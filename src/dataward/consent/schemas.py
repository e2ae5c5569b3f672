"""What the consent and comms API takes and gives."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from dataward.core.schemas import Schema

Short = Field(default=None, max_length=320)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class Who(Strict):
    email: str | None = Short
    phone: str | None = Field(default=None, max_length=40)


class RecordIn(Who):
    """One ledger event, as `dataward consent record | withdraw` takes it."""

    name: str | None = Field(default=None, max_length=200)
    channel: str | None = Field(default=None, max_length=80)
    purpose: str | None = Field(default=None, max_length=80)
    medium: str = Field(default="all", max_length=20)
    action: Literal["given", "withdrawn", "objected", "sale"]
    how: str = Field(max_length=30)
    wording_version: str = Field(max_length=120)
    wording: str = Field(max_length=100_000, description="the exact text the person was shown")
    organisation: str | None = Field(default=None, max_length=300)
    given_by: str | None = Short


class EventOut(Schema):
    id: int
    recorded_at: str
    pseudonym: str
    purpose: str
    medium: str
    action: str
    how: str
    wording_version: str
    wording_digest: str
    source_digest: str | None
    organisation: str | None
    given_by: str | None
    recorded_by: str


class PreferenceOut(Schema):
    purpose: str
    medium: str
    state: str
    since: str
    how: str
    wording_version: str


class PreferencesOut(Schema):
    pseudonym: str
    preferences: list[PreferenceOut]


class CheckIn(Who):
    channel: str | None = Field(default=None, max_length=80)
    purpose: str | None = Field(default=None, max_length=80)
    medium: str | None = Field(default=None, max_length=20)
    marketing: bool = False
    on: date | None = None


class VerdictOut(Schema):
    allowed: bool
    reasons: list[str]
    purpose: str
    medium: str
    on: date


class ScreenIn(Strict):
    channel: str = Field(max_length=80)
    medium: str | None = Field(default=None, max_length=20)
    on: date | None = None
    contacts: list[Who] = Field(max_length=10_000)


class ScreenedOut(Schema):
    row: int
    allowed: bool
    reasons: list[str]


class ScreenOut(Schema):
    purpose: str
    medium: str
    on: date
    allowed: int
    rows: list[ScreenedOut]


class LinksIn(Strict):
    channel: str = Field(max_length=80)
    medium: str = Field(default="all", max_length=20)
    emails: list[str] = Field(max_length=10_000)


class LinkOut(Schema):
    email: str
    url: str


class LinksOut(Schema):
    links: list[LinkOut]
