"""The two small languages inside a policy file: periods (`3 months`) and conditions
(`outcome = 'unsuccessful' and became_customer = false`)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict

_PERIOD = re.compile(r"^\s*(\d+)\s*(day|week|month|year)s?\s*$", re.IGNORECASE)


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
        return cls(amount=int(match.group(1)), unit=match.group(2).lower())

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'s' if self.amount != 1 else ''}"


class Condition(BaseModel):
    """`field op literal`: the `where` of a retention rule."""

    model_config = ConfigDict(frozen=True)

    field: str
    op: Literal["=", "!=", "<", "<=", ">", ">=", "is null", "is not null"]
    value: str | int | float | bool | None = None


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
