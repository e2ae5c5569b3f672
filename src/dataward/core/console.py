"""CLI plumbing: one place turns domain errors into messages and exit codes."""

from __future__ import annotations

import functools
import getpass
import json
import sys
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from dataward.core.config import Settings
from dataward.core.errors import DatawardError, PolicyError, UsageError
from dataward.core.runtime import Runtime

P = ParamSpec("P")
R = TypeVar("R")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# The runtimes a command made, so that its end (handle_errors, the one wrapper every command
# has) runs their boundary-end hooks once: signing the audit log the command appended to.
_command_runtimes: ContextVar[list[Runtime] | None] = ContextVar("command_runtimes", default=None)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Exit 1 for a failed check or operation, 2 for a usage or configuration error."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _command_runtimes.set([])
        try:
            return fn(*args, **kwargs)
        except PolicyError as exc:
            for problem in exc.problems:
                err.print(str(problem), markup=False)
            raise typer.Exit(exc.exit_code) from exc
        except DatawardError as exc:
            err.print(f"error: {exc}", markup=False)
            raise typer.Exit(exc.exit_code) from exc
        finally:
            made = _command_runtimes.get() or []
            _command_runtimes.reset(token)
            _end_command(made)

    return wrapper


def _end_command(runtimes: list[Runtime]) -> None:
    # Whatever the command committed stays committed: a failure here is a warning, and the
    # command's own exit code stands.
    for rt in runtimes:
        try:
            rt.end_boundary()
        except DatawardError as exc:
            err.print(f"warning: {exc}", markup=False)


def runtime() -> Runtime:
    try:
        rt = Runtime(settings=Settings())
    except ValueError as exc:
        err.print(f"error: invalid settings: {exc}", markup=False)
        raise typer.Exit(EXIT_USAGE) from exc
    made = _command_runtimes.get()
    if made is not None:
        made.append(rt)
    return rt


def ready_runtime() -> Runtime:
    """The Runtime of a command that needs the database `dataward init` created."""
    rt = runtime()
    rt.require_schema()
    return rt


def cli_actor() -> str:
    """Who ran this command, for the audit log: `cli:<login name>`."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"cli:{name}"


def parse_refs(pairs: Iterable[str] | None) -> dict[str, str]:
    """`--ref KIND=VALUE` options (identities a dataset declares) as a mapping."""
    refs: dict[str, str] = {}
    for pair in pairs or ():
        kind, sep, value = pair.partition("=")
        if not sep or not kind.strip() or not value.strip():
            raise UsageError(
                f"cannot read --ref {pair!r}",
                fix="write KIND=VALUE, e.g. --ref customer_number=C123",
            )
        refs[kind.strip()] = value.strip()
    return refs


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str, ensure_ascii=False) + "\n")
