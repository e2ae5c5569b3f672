"""`dataward warm`: one process with Dataward loaded, from which each command is forked.

The `dataward` entry point (client.py) sends its arguments, environment, working folder and
standard streams over a socket in Dataward's home. This process forks; the copy takes on
everything the caller sent and runs the command exactly as the caller's own process would
have, without loading anything, and reports its exit status back.

What the copy inherits is code only: nothing here opens a database, reads a setting or a key,
or builds a connector before it forks; each command reads its own settings from the caller's
environment. Only the user running this process may use it (the socket is theirs alone, and
each caller's user id is checked). When Dataward's code changes on disk, or a caller is
another version, the caller runs the command itself, and a changed install stops this
process, so nothing runs on stale code.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import signal
import socket
import struct
import sys
import time
import traceback
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer

from dataward import __version__
from dataward.client import MAX_SOCKET_PATH, SOCKET_NAME, reply
from dataward.core.console import handle_errors, out
from dataward.core.errors import ConfigurationError, UsageError

# What commands import only when they need it: loaded here once, for every command.
_ALSO_LOADED = (
    "rich.console",
    "rich.table",
    "pyzipper",
    "httpx",
    "phonenumbers",
    "xlsxwriter",
    "email_validator",
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlalchemy.dialects.mysql.pymysql",
    "sqlalchemy.dialects.sqlite.pysqlite",
)
_MAX_REQUEST = 1 << 20  # the caller's arguments and environment, JSON
_SEND_TIMEOUT = 5.0  # a caller that connects and sends nothing holds the others up no longer
_PEERCRED = struct.Struct("3i")  # pid, uid, gid
_LONGEST_IDLE = 366 * 24 * 3600


def register(app: typer.Typer) -> None:
    app.command("warm")(warm)


@handle_errors
def warm(
    quiet: Annotated[
        bool, typer.Option("--quiet", help="Do not print a line for each command run.")
    ] = False,
    idle: Annotated[
        int | None,
        typer.Option(
            "--idle",
            min=1,
            max=_LONGEST_IDLE,
            help="Stop after this many seconds with no command (default: run until stopped).",
        ),
    ] = None,
) -> None:
    """Keep Dataward loaded, so each command for this home starts at once."""
    from dataward.core.config import load_settings

    if not hasattr(socket, "SO_PEERCRED") or not hasattr(os, "fork"):
        raise ConfigurationError("`dataward warm` needs Linux", fix="run commands without it")
    path = load_settings().home.resolve() / SOCKET_NAME
    if len(str(path).encode()) > MAX_SOCKET_PATH:
        raise UsageError(
            f"the socket path {str(path)!r} is longer than {MAX_SOCKET_PATH} bytes",
            fix="give DATAWARD_HOME a shorter folder",
        )
    started = time.perf_counter()
    _load_everything()
    listener = _listen(path)
    fingerprint = code_fingerprint()
    out.print(
        f"Dataward {__version__} loaded in {time.perf_counter() - started:.2f} s; commands "
        f"for {path.parent} now start from here (Ctrl-C stops it)",
        markup=False,
    )
    sys.stdout.flush()
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGCHLD)}
    try:
        _serve(listener, fingerprint, quiet=quiet, idle=idle)
    finally:
        listener.close()
        path.unlink(missing_ok=True)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        gc.unfreeze()  # run in-process (tests): leave the process as it was


def _load_everything() -> None:
    """Every command's modules, what they load on first use, and the mappers configured."""
    from sqlalchemy.orm import configure_mappers

    from dataward import cli
    from dataward.rights import letter

    for command in cli.COMMANDS:
        cli.build(command)
    for name in _ALSO_LOADED:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional extra not installed: loaded when used, if ever
            continue
    configure_mappers()
    letter.templates().get_template("rights/letter.html.j2")
    # What is loaded now is shared by every copy: never scanned by their collections, so
    # never written to, and never copied.
    gc.collect()
    gc.freeze()


def _listen(path: Path) -> socket.socket:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(path))
        except OSError:
            path.unlink()  # left by a warm process that was killed
        else:
            raise ConfigurationError(
                f"a warm process already serves {path.parent}", fix="stop it first, or use it"
            )
        finally:
            probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    mask = os.umask(0o177)  # the socket is created private, not made so afterwards
    try:
        listener.bind(str(path))
    finally:
        os.umask(mask)
    listener.listen(64)
    return listener


def code_fingerprint() -> int:
    """The newest modification time of Dataward's own files: changed code shows here."""
    newest = 0
    package = Path(__file__).parent
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in files:
            newest = max(newest, (Path(folder) / name).stat().st_mtime_ns)
    return newest


def _serve(listener: socket.socket, fingerprint: int, *, quiet: bool, idle: int | None) -> None:
    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the copies are reaped as they end
    listener.settimeout(idle)
    try:
        while True:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                out.print(f"no command for {idle} s: stopping", markup=False)
                return
            connection.setblocking(True)
            with connection:
                ran = _take(connection, listener, fingerprint)
            if ran is None:
                out.print("Dataward's code changed on disk: stopping", markup=False)
                return
            if ran and not quiet:
                out.print(ran, markup=False)
                sys.stdout.flush()
    except KeyboardInterrupt:
        return


def _take(connection: socket.socket, listener: socket.socket, fingerprint: int) -> str | None:
    """Start the caller's command in a copy of this process: a line for the log, "" if the
    caller was turned away, None when this process must stop (its code changed)."""
    _pid, uid, _gid = _PEERCRED.unpack(
        connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEERCRED.size)
    )
    if uid != os.getuid():
        return ""
    connection.settimeout(_SEND_TIMEOUT)
    fds: list[int] = []
    try:
        request, fds = _receive(connection)
        if request is None or len(fds) != 3:
            return ""
        if request.get("version") != __version__ or code_fingerprint() != fingerprint:
            connection.sendall(reply({"stale": True}))
            return None if request.get("version") == __version__ else ""
        connection.settimeout(None)
        pid = os.fork()
        if pid == 0:
            _run_copy(connection, listener, fds, request)  # never returns
        return f"ran `dataward {_command_name(request)}` (process {pid})"
    except (OSError, ValueError):
        return ""
    finally:
        for fd in fds:
            os.close(fd)


def _receive(connection: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    data, fds, _flags, _address = socket.recv_fds(connection, 1 << 16, 3)
    if len(data) < 4:
        return None, fds
    size = int.from_bytes(data[:4], "big")
    if size > _MAX_REQUEST:
        return None, fds
    body = bytearray(data[4:])
    while len(body) < size:
        chunk = connection.recv(min(1 << 16, size - len(body)))
        if not chunk:
            return None, fds
        body += chunk
    request = json.loads(bytes(body))
    if not (
        isinstance(request, dict)
        and isinstance(request.get("argv"), list)
        and all(isinstance(a, str) for a in request["argv"])
        and isinstance(request.get("cwd"), str)
        and isinstance(request.get("env"), dict)
        and all(isinstance(v, str) for v in request["env"].values())
    ):
        return None, fds
    return request, fds


def _command_name(request: dict[str, Any]) -> str:
    """The command's name only: its arguments may name a person."""
    from dataward import cli

    words = request["argv"][1:3]
    known = {command.name for command in cli.COMMANDS}
    if not words or words[0] not in known:
        return "..."
    return words[0] if len(words) < 2 or words[1].startswith("-") else f"{words[0]} ..."


def _run_copy(
    connection: socket.socket, listener: socket.socket, fds: list[int], request: dict[str, Any]
) -> None:
    """In the copy: become the caller's process, run its command, report, and exit."""
    code = 1
    try:
        listener.close()
        for sig in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # From here on the caller waits for this copy's exit status, and sees its errors.
        connection.sendall(reply({"pid": os.getpid()}))
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        # New streams on the caller's descriptors (this process may have been started with
        # none of its own, as a service).
        sys.stdin = open(0, encoding=_encoding(sys.stdin), closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", encoding=_encoding(sys.stdout), closefd=False)  # noqa: SIM115
        sys.stderr = open(  # noqa: SIM115
            2, "w", encoding=_encoding(sys.stderr), errors="backslashreplace", closefd=False
        )
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        try:
            os.chdir(request["cwd"])
        except OSError as exc:
            sys.stderr.write(f"dataward: cannot work in {request['cwd']!r}: {exc.strerror}\n")
        else:
            sys.argv = list(request["argv"])
            code = _exit_code()
    except BaseException:  # reported to the caller, whatever it was
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, AttributeError):  # closed, or never there
                stream.flush()
        try:
            connection.sendall(reply({"exit": code}))
        finally:
            os._exit(code)


def _encoding(stream: object) -> str:
    return getattr(stream, "encoding", None) or "utf-8"


def _exit_code() -> int:
    from dataward import cli

    try:
        cli.main()
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        sys.stderr.write(f"{stop.code}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("Aborted!\n")
        return 130
    return 0
