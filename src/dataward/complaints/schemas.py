"""The JSON shapes of the complaint register's API."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from dataward.core.schemas import Schema


class ComplaintIn(Schema):
    """A complaint taken by phone, letter or in person, entered by staff."""

    channel: str = Field(default="phone", max_length=20)
    text: str = Field(min_length=1, max_length=10_000)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=200)
    account: str | None = Field(default=None, max_length=100)
    received_at: datetime | None = None


class ComplaintSummary(Schema):
    """What anyone with the register sees: dates and status, never the contents."""

    id: int
    status: str
    channel: str
    received_on: date
    acknowledge_alert_on: date
    acknowledge_due_on: date
    acknowledged_at: datetime | None
    closed_at: datetime | None


class ComplaintUpdateOut(Schema):
    written_at: datetime
    written_by: str
    text: str


class ComplaintOut(ComplaintSummary):
    """A complaint in full, for the roles the policy names as readers."""

    name: str | None
    email: str | None
    phone: str | None
    account: str | None
    text: str
    outcome: str | None
    updates: list[ComplaintUpdateOut]
