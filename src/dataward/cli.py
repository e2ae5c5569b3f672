"""The `dataward` command: every domain's commands, from the one list in domains.py.

A command's module is imported only when that command runs (or its own help is asked for):
`dataward --help` prints the names and short help kept in domains.py and imports no domain,
so neither it nor `dataward check` pays for SQLAlchemy, the web stack or the other domains.
"""

from __future__ import annotations

import gc
import importlib
import os
from typing import Any

import typer
from typer import _click as click
from typer.core import TyperCommand, TyperGroup

from dataward import __version__, domains

# serve, worker and jobs belong to the server, warm to the command line, not to a domain.
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
    domains.Command(
        "warm",
        ("dataward.warm",),
        "Keep Dataward loaded, so each command for this home starts at once.",
    ),
)
COMMANDS = (*domains.commands(), *SERVER_COMMANDS)

# Commands built from their modules, per tuple of modules: a module registers once per process.
_BUILT: dict[tuple[str, ...], dict[str, click.Command]] = {}


def build(command: domains.Command) -> click.Command:
    """Import the command's modules and build it as click sees it."""
    built = _BUILT.get(command.modules)
    if built is None:
        mounted = typer.Typer()
        for name in command.modules:
            importlib.import_module(name).register(mounted)
        built = _BUILT[command.modules] = dict(typer.main.get_group(mounted).commands)
    return built[command.name]


class Listed(TyperCommand):
    """A command known only by its name and short help, until it is used."""

    def __init__(self, command: domains.Command) -> None:
        super().__init__(command.name, help=command.help, short_help=command.help)
        self.entry = command


class LazyGroup(TyperGroup):
    """The root group: lists every command from domains.py, builds one when it is used."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.listing = False
        for command in COMMANDS:
            self.commands.setdefault(command.name, Listed(command))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = self.commands.get(cmd_name)
        if isinstance(found, Listed) and not self.listing:
            found = self.commands[cmd_name] = build(found.entry)
            if not gc.isenabled():  # paused by main() for the imports, which are done now:
                # later collections need not scan them, and a long command (serve, worker,
                # a large sweep) must collect its garbage as usual.
                gc.freeze()
                gc.enable()
        return found

    def invoke(self, ctx: click.Context) -> Any:
        # The one place an error becomes a message and an exit code (loaded with the command).
        from dataward.core.console import guarded

        return guarded(lambda: super(LazyGroup, self).invoke(ctx))

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The top-level help needs names and one line each, which domains.py has.
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False


app = typer.Typer(
    name="dataward",
    help="Privacy operations: the data map as code, rights requests, retention, audit.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"dataward {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Privacy operations: the data map as code, rights requests, retention, audit."""


def main() -> None:
    # Importing allocates much and frees little: collecting garbage meanwhile is wasted work
    # (a third of a short command's time). Collection resumes once the command is built.
    gc.disable()
    # Everything this process creates (packages, exports, SQLite's journal) is its owner's alone.
    from dataward.core.files import PRIVATE_UMASK

    os.umask(PRIVATE_UMASK)
    try:
        app()
    finally:
        # What is still loaded at exit is not worth scanning before the process ends.
        gc.freeze()


if __name__ == "__main__":
    main()
