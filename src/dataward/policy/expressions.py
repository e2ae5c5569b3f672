"""The two small languages inside a policy file: periods (`3 months`) and conditions
(`outcome = 'unsuccessful' and became_customer = false`)."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal

from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict

_PERIOD = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)
# No retention law asks for more; a longer period is a typo, and past year 9999 dates overflow.
MAX_YEARS = 200
_MOST = {"day": MAX_YEARS * 366, "week": MAX_YEARS * 53, "month": MAX_YEARS * 12, "year": MAX_YEARS}


class Period(BaseModel):
    model_config = ConfigDict(frozen=True)

    amount: int
    unit: Literal["day", "week", "month", "year"]

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text)
        if not match:
            raise ValueError(
                f"cannot read period {text!r}: write a number and a unit, e.g. '3 months', "
                "'6 years', '28 days'"
            )
        digits, unit = match.group(1), match.group(2).lower()
        if len(digits) > 6 or int(digits) > _MOST[unit]:
            raise ValueError(
                f"period {text.strip()!r} is longer than {MAX_YEARS} years: give at most "
                f"{_MOST[unit]} {unit}s"
            )
        return cls(amount=int(digits), unit=unit)

    def delta(self) -> relativedelta:
        if self.unit == "day":
            return relativedelta(days=self.amount)
        if self.unit == "week":
            return relativedelta(weeks=self.amount)
        # relativedelta clamps to the month's last day: 31 Jan + 1 month = 28 (29) Feb.
        return relativedelta(months=self.amount * (12 if self.unit == "year" else 1))

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'s' if self.amount != 1 else ''}"


def add_period(start: date, period: Period) -> date:
    """The one period adder (RULES.md §0): a month later is the same day-number, or that month's
    last day when it has none (31 Jan + 1 month = 28 or 29 Feb); a year is twelve months."""
    end: date = start + period.delta()
    return end


# A condition's truth under SQL's rule: None is "unknown", what a comparison with a null gives.
Truth = bool | None

_TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
_FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})
_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class Condition(BaseModel):
    """`field op literal`: the `where` of a retention rule or an exemption.

    This is the one evaluator every kind shares (the sql kind pushes the same rule down as SQL):
    a comparison with a null is unknown, not false, so `status != 'paid'` neither selects nor
    exempts a row whose status is empty; the caller decides what an unknown row means."""

    model_config = ConfigDict(frozen=True)

    field: str
    op: Literal["=", "!=", "<", "<=", ">", ">=", "is null", "is not null"]
    value: str | int | float | bool | None = None

    def judge(self, value: object) -> Truth:
        """True, False, or None (unknown) for a cell holding `value`."""
        if self.op == "is null":
            return value is None
        if self.op == "is not null":
            return value is not None
        if value is None or self.value is None:
            return None
        pair = _comparable(value, self.value)
        if pair is None:
            # Text that cannot be read as the literal's type certainly differs from it.
            return self.op == "!="
        try:
            return bool(_COMPARE[self.op](*pair))
        except TypeError:
            return self.op == "!="


def _comparable(cell: object, literal: object) -> tuple[object, object] | None:
    """Both sides in the literal's type, as the database compares them; None when the cell
    cannot be read so (text where a number is asked)."""
    if isinstance(literal, bool):
        if isinstance(cell, str):
            lowered = cell.strip().lower()
            if lowered in _TRUE_WORDS:
                return True, literal
            if lowered in _FALSE_WORDS:
                return False, literal
            return None
        if isinstance(cell, bool | int | float):
            return bool(cell), literal  # MariaDB and SQLite return booleans as 0/1
        return None
    if isinstance(literal, int | float):
        if isinstance(cell, bool):
            return int(cell), literal
        try:
            return float(cell), float(literal)  # type: ignore[arg-type]  # Decimal, int, text
        except (TypeError, ValueError):
            return None
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" "), literal
    if isinstance(cell, date):
        return cell.isoformat(), literal
    return str(cell), literal


def judge_all(conditions: Iterable[Condition], row: Mapping[str, Any]) -> Truth:
    """Conditions joined by AND, as SQL joins them: false if any is false, else unknown if any
    is unknown, else true."""
    unknown = False
    for condition in conditions:
        truth = condition.judge(row.get(condition.field))
        if truth is False:
            return False
        if truth is None:
            unknown = True
    return None if unknown else True


def empty_fields(conditions: Iterable[Condition], row: Mapping[str, Any]) -> list[str]:
    """The fields whose empty value left these conditions unknown on this row."""
    return list(dict.fromkeys(c.field for c in conditions if c.judge(row.get(c.field)) is None))


_COND = re.compile(
    r"^\s*([A-Za-z_][\w.]*)\s*(=|!=|<>|<=|>=|<|>|is\s+not\s+null|is\s+null)\s*(.*?)\s*$",
    re.IGNORECASE,
)


def parse_where(text: str) -> list[Condition]:
    """`outcome = 'unsuccessful' and became_customer = false` → conditions joined by AND."""
    conditions: list[Condition] = []
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        match = _COND.match(part)
        if not match:
            raise ValueError(
                f"cannot read condition {part!r}: write `field = 'value'`, `field != 3`, "
                "`field is null`; join several with `and`"
            )
        name, op, raw = match.group(1), match.group(2).lower(), match.group(3)
        op = "!=" if op == "<>" else re.sub(r"\s+", " ", op)
        value: str | int | float | bool | None = None
        if op in ("is null", "is not null"):
            if raw:
                raise ValueError(f"nothing may follow {op!r} in {part!r}")
        elif re.fullmatch(r"'(.*)'|\"(.*)\"", raw):
            value = raw[1:-1]
        elif raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        elif re.fullmatch(r"-?\d+", raw):
            value = int(raw)
        elif re.fullmatch(r"-?\d+\.\d+", raw):
            value = float(raw)
        else:
            raise ValueError(
                f"cannot read value {raw!r} in {part!r}: quote text ('unsuccessful'), "
                "or write a number, true or false"
            )
        conditions.append(Condition(field=name, op=op, value=value))
    return conditions
