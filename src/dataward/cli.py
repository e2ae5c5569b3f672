"""The `dataward` command. Each domain's commands.py registers its own sub-commands."""

from __future__ import annotations

import importlib

import typer

from dataward import __version__
from dataward.core.console import DatawardGroup

app = typer.Typer(
    name="dataward",
    help="Privacy operations: the data map as code, rights requests, retention, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=DatawardGroup,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"dataward {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Privacy operations: the data map as code, rights requests, retention, audit."""


# One line per domain; each module has `register(app)`.
DOMAINS = (
    "dataward.core.commands",
    "dataward.policy.commands",
    "dataward.policy.notice_commands",
    "dataward.audit.commands",
    "dataward.people.commands",
    "dataward.connectors.commands",
    "dataward.rights.commands",
    "dataward.rights.execute_commands",
    "dataward.retention.commands",
    "dataward.core.server_commands",
    "dataward.examples.commands",
    "dataward.examples.demo",
)

for _name in DOMAINS:
    importlib.import_module(_name).register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
