"""Pydantic shapes of `GET /policy/check`: every problem at its place, as `dataward check`."""

from __future__ import annotations

from dataward.core.errors import Problem
from dataward.core.schemas import Schema


class ProblemOut(Schema):
    file: str
    line: int
    column: int
    path: str
    severity: str  # error | warning | info
    message: str
    fix: str | None
    text: str


class CheckOut(Schema):
    ok: bool
    errors: int
    warnings: int
    problems: list[ProblemOut]


def check_out(problems: list[Problem]) -> CheckOut:
    errors = sum(1 for p in problems if p.severity == "error")
    return CheckOut(
        ok=errors == 0,
        errors=errors,
        warnings=len(problems) - errors,
        problems=[
            ProblemOut(
                file=p.file,
                line=p.line,
                column=p.column,
                path=p.path,
                severity=p.severity,
                message=p.message,
                fix=p.fix,
                text=str(p),
            )
            for p in problems
        ],
    )
