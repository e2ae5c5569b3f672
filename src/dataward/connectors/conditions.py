"""Cells as the kinds that read rows here (files, http) compare and date them; the conditions
themselves are judged by `Condition.judge` (policy/expressions.py), the one evaluator."""

from __future__ import annotations

from datetime import date
from typing import Any


def text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def date_of(value: Any) -> date | None:
    """A date from a date, a datetime or ISO text (its first ten characters); None if absent.

    Raises ValueError for text that is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value if type(value) is date else date(value.year, value.month, value.day)
    return date.fromisoformat(str(value).strip()[:10])
