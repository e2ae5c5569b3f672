"""The JSON shapes of the breach register's API."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from dataward.core.schemas import Schema


class BreachIn(Schema):
    aware_at: datetime = Field(description="when the business became aware, with its offset")
    summary: str = Field(min_length=1, max_length=2000)
    facts: str = Field(min_length=1, max_length=2000)
    categories: list[str] = Field(default_factory=list, max_length=50)
    people_count: int | None = Field(default=None, ge=0, le=10**9)
    records_count: int | None = Field(default=None, ge=0, le=10**9)
    consequences: str | None = Field(default=None, max_length=2000)
    measures: str | None = Field(default=None, max_length=2000)
    systems: list[str] = Field(default_factory=list, max_length=50)
    activities: list[str] = Field(default_factory=list, max_length=50)


class DecisionIn(Schema):
    kind: str = Field(max_length=30)
    ground: str | None = Field(default=None, max_length=40)
    reasons: str = Field(min_length=1, max_length=2000)
    reported_at: datetime | None = None
    late_reasons: str | None = Field(default=None, max_length=2000)


class DecisionOut(Schema):
    id: int
    kind: str
    ground: str | None
    reported_at: datetime | None
    decided_at: datetime
    decided_by: str
    altered: bool
    reasons: str | None = None
    late_reasons: str | None = None


class BreachOut(Schema):
    """A breach; its free text is null for a caller who may not read personal data."""

    id: int
    status: str
    regime: str
    form: str
    aware_at: datetime
    deadline: datetime
    hours_left: float
    reporting_decided: bool
    categories: list[str]
    people_count: int | None
    records_count: int | None
    systems: list[str]
    activities: list[str]
    decisions: list[DecisionOut]
    summary: str | None = None
    facts: str | None = None
    consequences: str | None = None
    measures: str | None = None
