"""The `dataward` command. Each domain's commands.py registers its own sub-commands."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="dataward",
    help="Privacy operations: the data map as code, rights requests, retention, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# One line per domain; each module has `register(app)`.
DOMAINS = (
    "dataward.core.commands",
    "dataward.policy.commands",
    "dataward.notice.commands",
    "dataward.audit.commands",
    "dataward.people.commands",
    "dataward.connectors.commands",
    "dataward.rights.commands",
    "dataward.rights.execute_commands",
    "dataward.retention.commands",
    "dataward.server",
    "dataward.examples.commands",
    "dataward.examples.demo",
)

for _name in DOMAINS:
    importlib.import_module(_name).register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
