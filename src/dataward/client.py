"""The `dataward` command's entry point: hand the command to a warm process, or run it here.

A command's own work is often a fraction of a second; loading the code it needs (SQLAlchemy,
pydantic, the domains) takes longer than that. `dataward warm` keeps one process with all of
it loaded; every command started while it runs is forked from that process, with this
process's arguments, environment, working folder, and its standard input, output and error
handed over, so it behaves exactly as it would have here, only sooner. This module imports
nothing but the standard library, so reaching the warm process costs next to nothing.

With no warm process for this home (or one from another version of Dataward) the command runs
here, as it always did.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dataward import __version__

SOCKET_NAME = "warm.sock"
# sockaddr_un holds 108 bytes on Linux, the terminating NUL included.
MAX_SOCKET_PATH = 107
_HEADER_BYTES = 4
# Signals that stop a command are passed on to it.
_FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def home(environ: Mapping[str, str], cwd: Path) -> Path:
    """Dataward's home as the settings find it: DATAWARD_HOME, else `.dataward` in cwd."""
    given = next(
        (value for name, value in environ.items() if name.upper() == "DATAWARD_HOME"), None
    )
    return cwd / (given or ".dataward")


def socket_path(environ: Mapping[str, str], cwd: Path) -> Path:
    return home(environ, cwd) / SOCKET_NAME


def request_bytes(message: Mapping[str, Any]) -> bytes:
    """The caller's request: its length, then JSON (the warm process's replies are lines)."""
    body = json.dumps(message).encode("utf-8")
    return len(body).to_bytes(_HEADER_BYTES, "big") + body


def reply(message: Mapping[str, Any]) -> bytes:
    """One reply of the warm process: a line of JSON."""
    return json.dumps(message).encode("utf-8") + b"\n"


def run_warm(
    argv: list[str],
    *,
    environ: Mapping[str, str] | None = None,
    version: str = __version__,
) -> int | None:
    """Run `dataward ARGV` in the warm process; its exit status, or None to run it here."""
    environ = os.environ if environ is None else environ
    cwd = Path.cwd()
    path = socket_path(environ, cwd)
    if len(str(path).encode()) > MAX_SOCKET_PATH:
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
        request = {
            "version": version,
            "argv": [sys.argv[0], *argv],
            "cwd": str(cwd),
            "env": dict(environ),
        }
        socket.send_fds(connection, [request_bytes(request)], [0, 1, 2])
        replies = connection.makefile("rb")
        started = _reply(replies)
    except OSError:  # no warm process (or not ours, or not for us): run here
        connection.close()
        return None
    if started is None or "pid" not in started:
        connection.close()
        return None  # another version, or its code changed since it started
    return _wait(connection, replies, int(started["pid"]))


def _reply(replies: Any) -> dict[str, Any] | None:
    line = replies.readline()
    if not line:
        return None
    found = json.loads(line)
    return found if isinstance(found, dict) else None


def _wait(connection: socket.socket, replies: Any, pid: int) -> int:
    """Wait for the command's exit status, passing on Ctrl-C and the like."""

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signum)

    previous = {sig: signal.signal(sig, forward) for sig in _FORWARDED}
    try:
        while True:
            try:
                ended = _reply(replies)
            except InterruptedError:
                continue
            break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        connection.close()
    if ended is None or "exit" not in ended:
        sys.stderr.write("dataward: the command ended without an exit status (it was killed)\n")
        return 1
    return int(ended["exit"])


def main() -> None:
    code = run_warm(sys.argv[1:])
    if code is None:
        from dataward.cli import main as run_here

        run_here()
        return
    sys.exit(code)


if __name__ == "__main__":
    main()
