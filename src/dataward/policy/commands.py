"""`dataward check`: every problem of a policy file, at FILE:LINE:COL, with its fix."""

from __future__ import annotations

from pathlib import Path

import typer

from dataward.core.console import EXIT_FAILED, EXIT_OK, err, handle_errors, out, print_json
from dataward.policy import service

_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


@handle_errors
def check(
    file: Path = typer.Argument(..., help="The policy file, e.g. dataward.yaml."),
    as_json: bool = typer.Option(False, "--json", help="Print the problems as a JSON list."),
) -> None:
    """Check a policy file: exit 0 when it has no errors (warnings allowed), 1 when it has."""
    result = service.check_policy(file)
    if as_json:
        print_json(service.problems_as_json(result.problems))
    else:
        for problem in result.problems:
            tag = f"[{_STYLE.get(problem.severity, 'white')}]{problem.severity}[/]"
            err.print(f"{tag} ", end="")
            err.print(str(problem), markup=False)
        errors = len(result.errors)
        others = len(result.problems) - errors
        summary = f"{file}: {errors} error{'s' if errors != 1 else ''}, {others} warning" + (
            "s" if others != 1 else ""
        )
        (err if errors else out).print(summary, markup=False)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FAILED)


def register(app: typer.Typer) -> None:
    """Mount this domain's commands on the root app."""
    app.command("check")(check)
