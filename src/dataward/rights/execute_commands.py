"""CLI commands of this domain."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Mount this domain's commands on the root app."""
