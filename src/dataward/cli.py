"""The `dataward` command. Each domain's commands.py registers its own sub-commands."""

from __future__ import annotations

import importlib
import os

import typer

from dataward.core.files import PRIVATE_UMASK

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
    # Everything this process creates (packages, exports, SQLite's journal) is its owner's alone.
    os.umask(PRIVATE_UMASK)
    app()


if __name__ == "__main__":
    main()
