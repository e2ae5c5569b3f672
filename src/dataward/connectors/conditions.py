"""Retention conditions evaluated here, for kinds that cannot push them down to the source."""

from __future__ import annotations

from datetime import date
from typing import Any

from dataward.policy.schema import Condition

_TRUE = frozenset({"true", "t", "yes", "y", "1"})


def text_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def matches(cell: str | None, condition: Condition) -> bool:
    """A retention condition on a text cell: numbers and booleans compare as such."""
    op, value = condition.op, condition.value
    if op == "is null":
        return cell is None
    if op == "is not null":
        return cell is not None
    if cell is None:
        return op == "!="  # null differs from any value, as the sql kind reads it
    left: Any = cell
    right: Any = value
    if isinstance(value, bool):
        left = cell.strip().lower() in _TRUE
    elif isinstance(value, int | float):
        try:
            left = float(cell)
        except ValueError:
            return op == "!="
        right = float(value)
    if op == "=":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if isinstance(left, bool):
        return False
    comparisons = {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}
    return bool(comparisons[op])


def date_of(value: Any) -> date | None:
    """A date from a date, a datetime or ISO text (its first ten characters); None if absent.

    Raises ValueError for text that is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value if type(value) is date else date(value.year, value.month, value.day)
    return date.fromisoformat(str(value).strip()[:10])
