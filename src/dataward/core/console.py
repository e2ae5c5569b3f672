"""CLI plumbing: one place turns domain errors into messages and exit codes."""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import typer
from typer.exceptions import TyperException

from dataward.core.errors import DatawardError, PolicyError, UsageError
from dataward.core.files import new_private_folders
from dataward.core.payment_numbers import refuse_payment_numbers

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from dataward.core.runtime import Runtime

P = ParamSpec("P")
R = TypeVar("R")


class _LateConsole:
    """rich's Console, made at its first use: importing rich costs a command 40 ms and the web
    server 2 MB, and many never print through it (`--json`, the server's requests)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._made: Console | None = None
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        made = self.__dict__.get("_made")
        if made is None:
            with self.__dict__["_lock"]:
                made = self._made
                if made is None:
                    from rich.console import Console

                    made = self._made = Console(**self._options)
        return getattr(made, name)


out = cast("Console", _LateConsole(highlight=False, soft_wrap=True))
err = cast("Console", _LateConsole(stderr=True, highlight=False, soft_wrap=True))

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# The runtimes a command made, so that its end (handle_errors, the one wrapper every command
# has) runs their boundary-end hooks once: signing the audit log the command appended to.
_command_runtimes: ContextVar[list[Runtime] | None] = ContextVar("command_runtimes", default=None)


def guarded(call: Callable[[], R]) -> R:
    """Run a command; a domain error becomes one line and its exit code, a bug one line too."""
    try:
        return call()
    except (TyperException, typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except DatawardError as exc:
        report_error(exc)
        raise typer.Exit(exc.exit_code) from exc
    except Exception as exc:  # a bug must still end in one clear line
        where = _log_unexpected(exc)
        err.print(
            f"error: unexpected {type(exc).__name__} (a bug in Dataward); "
            f"details written to {where}",
            markup=False,
        )
        raise typer.Exit(EXIT_FAILED) from exc


def report_error(exc: DatawardError) -> None:
    if isinstance(exc, PolicyError):
        for problem in exc.problems:
            err.print(str(problem), markup=False)
    else:
        err.print(f"error: {exc}", markup=False)


def _log_unexpected(exc: Exception) -> str:
    text = "".join(traceback.format_exception(exc))
    try:
        fd, name = tempfile.mkstemp(prefix="dataward-error-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(f"dataward {' '.join(sys.argv[1:])}\n{text}")
    except OSError:
        return "nowhere (the temporary folder is not writable)"
    return name


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """The same translation as `guarded` (the root group's), for a command mounted on its own
    (a domain's `register(app)` on a bare Typer, as tests do): domain errors only, the rest
    propagates."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _command_runtimes.set([])
        try:
            return fn(*args, **kwargs)
        except DatawardError as exc:
            report_error(exc)
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
    # Imported here: settings and the database engine cost a third of a second, and commands
    # such as `dataward check` never open the database.
    from dataward.core.config import load_settings
    from dataward.core.runtime import Runtime

    rt = Runtime(settings=load_settings())
    made = _command_runtimes.get()
    if made is not None:
        made.append(rt)
    return rt


def ready_runtime() -> Runtime:
    """The Runtime of a command that needs the database `dataward init` created."""
    rt = runtime()
    rt.require_schema()
    return rt


def output_file(value: Path | None) -> Path | None:
    """An output path the user gave (`--out`): checked as it is parsed, before any work is
    done, so a request is not run only to fail writing its package. Missing folders on
    the way are created; the file itself is written by the command."""
    if value is None:
        return None
    if value.is_dir():
        raise UsageError(f"{str(value)!r} is a folder", fix="give a file name, e.g. DIR/out.zip")
    _writable_folder(value.parent, for_path=value)
    return value


def output_folder(value: Path | None) -> Path | None:
    """An output folder the user gave: an existing folder, or one that can be created."""
    if value is None:
        return None
    if value.exists() and not value.is_dir():
        raise UsageError(f"{str(value)!r} is a file, not a folder", fix="give a folder")
    _writable_folder(value, for_path=value)
    return value


def _writable_folder(folder: Path, *, for_path: Path) -> None:
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(
            f"cannot write {str(for_path)!r}: {str(existing)!r} is a file, not a folder",
            fix="choose a path inside a folder",
        )
    try:
        new_private_folders(folder)
        # Root passes every permission check, so only writing tells (e.g. /proc, read-only).
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise UsageError(
            f"cannot write {str(for_path)!r}: {exc.strerror or exc}",
            fix="choose a folder you can write to",
        ) from exc


# Row ids are 32-bit on PostgreSQL; a larger number can name nothing.
LARGEST_ID = 2**31 - 1


def input_file(value: Path | None) -> Path | None:
    """A file the user named for Dataward to read: it must be an existing regular file."""
    if value is None:
        return None
    if not value.exists():
        raise UsageError(f"{str(value)!r} does not exist", fix="give the path to an existing file")
    if not value.is_file():
        raise UsageError(f"{str(value)!r} is not a regular file", fix="give the path to a file")
    return value


def note_text(value: str | None) -> str | None:
    """Free text staff type (a reason, a note): it is stored sealed and the audit log keeps its
    digest, so it may name people; it must say something, briefly, in plain text."""
    if value is None:
        return None
    if not value.strip():
        raise UsageError("the text is empty", fix="say briefly why, e.g. 'claim ref 2026-14'")
    if len(value) > 2000:
        raise UsageError("the text is longer than 2,000 characters", fix="say it more briefly")
    if any(ord(c) < 32 and c not in "\t\n" for c in value):
        raise UsageError("the text contains control characters", fix="write plain text")
    return refuse_payment_numbers(value)


EARLIEST_DAY, LATEST_DAY = date(1990, 1, 1), date(2999, 12, 31)


def plausible_day(value: datetime | None) -> datetime | None:
    """A day the user typed (`--received 2026-03-02`): deadlines are counted months and
    years past it, so 9999-12-31 would run off the calendar; 0001-01-01 is a typo."""
    if value is None:
        return None
    if not EARLIEST_DAY <= value.date() <= LATEST_DAY:
        raise UsageError(
            f"{value.date().isoformat()} is not a plausible day",
            fix=f"give a day between {EARLIEST_DAY} and {LATEST_DAY}, as YYYY-MM-DD",
        )
    return value


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


def print_table(table: Table) -> None:
    """Every table a command prints. One too wide for the terminal would wrap each cell into a
    thin column of fragments, so it folds instead: one block of `header: value` lines per row."""
    from rich.measure import Measurement
    from rich.text import Text

    unbounded = out.options.update_width(1_000_000)  # the width it wants, not what it gets
    if Measurement.get(out, unbounded, table).maximum <= out.width:
        out.print(table)
        return
    if table.title:
        out.print(table.title)
    headers = [str(column.header) for column in table.columns]
    width = max((len(h) for h in headers), default=0)
    columns = [list(column.cells) for column in table.columns]
    for row in range(table.row_count):
        if row:
            out.print()
        for header, cells in zip(headers, columns, strict=True):
            cell = cells[row] if row < len(cells) else ""
            label = f"{header + ':':<{width + 1}} "
            if isinstance(cell, str):
                out.print(Text(label) + Text.from_markup(cell), soft_wrap=True)
            else:
                out.print(Text(label), cell, sep="", soft_wrap=True)


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str, ensure_ascii=False) + "\n")
