"""The `dataward` command: every domain's commands, from the one list in domains.py."""

from __future__ import annotations

import importlib

import typer

from dataward import domains

app = typer.Typer(
    name="dataward",
    help="Privacy operations: the data map as code, rights requests, retention, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# serve, worker and jobs belong to the server, not to a domain.
SERVER_COMMANDS = (
    domains.Command(
        "serve",
        ("dataward.server",),
        "Run the web service; on the embedded default it also runs jobs and the daily sweep.",
    ),
    domains.Command(
        "worker",
        ("dataward.server",),
        "Take jobs from the queue (PostgreSQL: run as many workers as you like).",
    ),
    domains.Command(
        "jobs", ("dataward.server",), "The job queue: rights execution, sweeps, audit checkpoints."
    ),
)
COMMANDS = (*domains.commands(), *SERVER_COMMANDS)

for _name in dict.fromkeys(m for command in COMMANDS for m in command.modules):
    importlib.import_module(_name).register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
