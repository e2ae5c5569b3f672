"""Command-line options shared by `dataward retention` and `dataward holds`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dataward.core.errors import UsageError

PolicyOption = Annotated[
    Path,
    typer.Option(
        "--policy", "-p", help="The policy file (dataward.yaml).", exists=True, dir_okay=False
    ),
]
EnvFileOption = Annotated[
    Path | None,
    typer.Option(
        "--env-file",
        help="KEY=VALUE lines with the systems' connection variables (added to the environment).",
        exists=True,
        dir_okay=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def parse_date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"{option} {text!r} is not a date", fix="use YYYY-MM-DD") from exc
