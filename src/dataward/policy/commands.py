"""`dataward check`: every problem of a policy file, at FILE:LINE:COL, with its fix."""

from __future__ import annotations

from pathlib import Path

import typer

from dataward.core.console import EXIT_FAILED, EXIT_OK, handle_errors, out, print_json
from dataward.policy import service

_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@handle_errors
def check(
    file: Path = typer.Argument(..., help="The policy file, e.g. dataward.yaml."),
    as_json: bool = typer.Option(False, "--json", help="Print the problems as a JSON list."),
    allow_datasets_from: list[Path] = typer.Option(
        [],
        "--allow-datasets-from",
        metavar="DIR",
        help="A folder besides the policy's own that `dataset_file:` may point into.",
    ),
) -> None:
    """Check a policy file: exit 0 when it has no errors (warnings allowed), 1 when it has."""
    result = service.check_policy(file, allow_datasets_from=allow_datasets_from)
    if as_json:
        print_json(service.problems_as_json(result.problems))
    else:
        # Errors read exactly FILE:LINE:COL: path: message (fix), as editors parse them; other
        # problems say what they are at the end, so the line still starts with the position.
        for problem in result.problems:
            tag = "" if problem.severity == "error" else f" [{problem.severity}]"
            out.print(
                f"{problem}{tag}", markup=False, style=_STYLE.get(problem.severity), highlight=False
            )
        errors = len(result.errors)
        others = len(result.problems) - errors
        out.print(f"{file}: {_plural(errors, 'error')}, {_plural(others, 'warning')}", markup=False)
    raise typer.Exit(EXIT_OK if result.ok else EXIT_FAILED)


def register(app: typer.Typer) -> None:
    """Mount this domain's commands on the root app."""
    app.command("check")(check)
