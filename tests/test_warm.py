"""`dataward warm`: commands handed to a process with Dataward already loaded behave exactly
as they do in a process of their own, and nothing but its own user and its own code runs there.

Real processes throughout: a `dataward warm` for a home in a temporary folder, and the
`dataward` entry point (dataward.client) run as a user runs it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dataward import client, warm

EXAMPLE = Path(warm.__file__).parent / "examples" / "businesses" / "support" / "dataward.yaml"
CLIENT = [sys.executable, "-m", "dataward.client"]
COLD = [sys.executable, "-m", "dataward.cli"]

pytestmark = pytest.mark.skipif(
    not hasattr(socket, "SO_PEERCRED"), reason="`dataward warm` needs Linux"
)


@dataclass
class Warm:
    env: dict[str, str]
    home: Path
    process: subprocess.Popen[bytes]
    log: Path

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()

    def run(
        self, *args: str, cold: bool = False, **options: object
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # type: ignore[call-overload, no-any-return]
            [*(COLD if cold else CLIENT), *args],
            env=options.pop("env", self.env),
            capture_output=True,
            text=True,
            timeout=120,
            **options,
        )


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATAWARD_")}
    return {**env, "DATAWARD_HOME": str(home), "COLUMNS": "120"}


def _wait_for(path: Path, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"`dataward warm` did not start: {log.read_text()}")
        time.sleep(0.05)


@pytest.fixture
def warmed(tmp_path: Path) -> Iterator[Warm]:
    home = tmp_path / "home"
    env = _environment(home)
    log = tmp_path / "warm.log"
    with log.open("wb") as sink:
        process = subprocess.Popen([*COLD, "warm"], env=env, stdout=sink, stderr=sink)
    try:
        _wait_for(home / client.SOCKET_NAME, process, log)
        yield Warm(env, home, process, log)
    finally:
        process.terminate()
        process.wait(20)


def test_a_command_run_warm_does_exactly_what_it_does_in_its_own_process(warmed: Warm) -> None:
    made = warmed.run("init")
    assert made.returncode == 0, made.stderr
    assert "database created" in made.stdout
    assert (warmed.home / "dataward.db").exists()
    assert "ran `dataward init`" in "\n".join(warmed.lines())
    hot = warmed.run("check", str(EXAMPLE), "--json")
    cold = warmed.run("check", str(EXAMPLE), "--json", cold=True)
    assert hot.returncode == cold.returncode == 0, hot.stderr
    assert json.loads(hot.stdout) == json.loads(cold.stdout)
    assert sum("ran `dataward check" in line for line in warmed.lines()) == 1


def test_the_exit_status_and_the_error_come_back_to_the_caller(warmed: Warm) -> None:
    missing = str(warmed.home.parent / "no-such-map.yaml")
    hot = warmed.run("check", missing)
    cold = warmed.run("check", missing, cold=True)
    assert hot.returncode == cold.returncode != 0
    assert hot.stderr == cold.stderr and "no-such-map.yaml" in hot.stderr
    usage = warmed.run("no-such-command")
    assert usage.returncode == 2 and "No such command" in usage.stderr


def test_the_callers_environment_and_folder_are_the_commands(warmed: Warm, tmp_path: Path) -> None:
    """Each command reads its settings from the caller, not from the warm process."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**warmed.env, "DATAWARD_DATABASE_URL": "sqlite:///own.db"}
    made = warmed.run("init", env=env, cwd=elsewhere)
    assert made.returncode == 0, made.stderr
    assert (elsewhere / "own.db").exists()
    assert not (warmed.home / "dataward.db").exists()
    assert "ran `dataward init`" in "\n".join(warmed.lines())


def test_another_version_of_dataward_runs_the_command_itself(
    warmed: Warm, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(warmed.home.parent)
    assert client.run_warm(["--version"], environ=warmed.env, version="0.0.0+other") is None
    assert warmed.process.poll() is None  # still there for its own version
    assert warmed.run("--version").returncode == 0
    assert sum("ran `dataward" in line for line in warmed.lines()) == 1


def test_changed_code_on_disk_stops_the_warm_process_and_the_command_runs_itself(
    warmed: Warm,
) -> None:
    touched = Path(warm.__file__).parent / "rights" / "bank_holidays.json"
    before = touched.stat()
    try:
        later = time.time_ns() + 10**9
        os.utime(touched, ns=(before.st_atime_ns, later))
        done = warmed.run("--version")
        assert done.returncode == 0 and "dataward" in done.stdout
        warmed.process.wait(20)
    finally:
        os.utime(touched, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "code changed on disk" in "\n".join(warmed.lines())
    assert not (warmed.home / client.SOCKET_NAME).exists()


def test_with_no_warm_process_or_a_dead_socket_the_command_runs_itself(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(home / client.SOCKET_NAME))  # bound, never listening: as after a kill -9
    dead.close()
    done = subprocess.run(
        [*CLIENT, "--version"], env=_environment(home), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and done.stdout.startswith("dataward ")


def test_a_second_warm_process_for_the_same_home_is_refused(warmed: Warm) -> None:
    second = warmed.run("warm", cold=True)
    assert second.returncode != 0
    assert "already serves" in second.stderr
    assert warmed.process.poll() is None


def test_the_socket_is_its_users_alone(warmed: Warm) -> None:
    assert (warmed.home / client.SOCKET_NAME).stat().st_mode & 0o777 == 0o600


def test_a_caller_of_another_user_is_turned_away(monkeypatch: pytest.MonkeyPatch) -> None:
    """The peer's user id, as the kernel gives it, is checked before anything is read."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    uid = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked for another user"))
    socket.send_fds(theirs, [client.request_bytes({"version": "x"})], [0, 1, 2])
    with ours, theirs, listener:
        assert warm._take(ours, listener, warm.code_fingerprint()) == ""


def test_garbage_on_the_socket_is_turned_away_and_the_next_caller_served(warmed: Warm) -> None:
    path = str(warmed.home / client.SOCKET_NAME)
    for junk in (b"\x00\x00\x00\x04{not", (2**31).to_bytes(4, "big"), b"\x00\x00\x00\x02[]"):
        hostile = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        hostile.connect(path)
        socket.send_fds(hostile, [junk], [0, 1, 2])
        hostile.settimeout(10)
        assert hostile.recv(100) == b""  # closed on it, nothing run
        hostile.close()
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.connect(path)  # sends nothing: the warm process gives up on it after a few seconds
    try:
        done = warmed.run("--version")
    finally:
        silent.close()
    assert done.returncode == 0
    assert warmed.process.poll() is None


def test_a_warm_process_started_without_standard_input_serves_commands(tmp_path: Path) -> None:
    """As a service may start it: the commands still read and write the caller's streams."""
    home = tmp_path / "home"
    env = _environment(home)
    log = tmp_path / "warm.log"
    with log.open("wb") as sink:
        # Python started with no descriptor 0 has no sys.stdin at all.
        started_without_input = (
            "import sys; sys.stdin = None; sys.argv = ['dataward', 'warm']\n"
            "from dataward.cli import main; main()"
        )
        process = subprocess.Popen(
            [sys.executable, "-c", started_without_input], env=env, stdout=sink, stderr=sink
        )
    try:
        _wait_for(home / client.SOCKET_NAME, process, log)
        done = subprocess.run(
            [*CLIENT, "--version"], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        process.terminate()
        process.wait(20)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("dataward ")
    assert "ran `dataward ...`" in log.read_text()


def test_ctrl_c_in_the_callers_shell_reaches_the_command(warmed: Warm) -> None:
    """A long command (a worker) stops when its caller is interrupted, and no copy is left."""
    assert warmed.run("init").returncode == 0
    caller = subprocess.Popen(
        [*CLIENT, "worker", "--no-schedule"],
        env=warmed.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not any("ran `dataward worker`" in line for line in warmed.lines()):
        assert time.monotonic() < deadline and caller.poll() is None
        time.sleep(0.05)
    line = next(line for line in warmed.lines() if "ran `dataward worker`" in line)
    copy = int(line.rsplit("process ", 1)[1].rstrip(")"))
    time.sleep(0.5)
    caller.send_signal(signal.SIGINT)
    caller.wait(30)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{copy}").exists():
        assert time.monotonic() < deadline, "the worker's copy is still running"
        time.sleep(0.05)
    assert warmed.process.poll() is None  # the warm process itself carries on


def test_with_idle_it_stops_by_itself_when_no_command_comes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    log = tmp_path / "warm.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*COLD, "warm", "--idle", "1"], env=_environment(home), stdout=sink, stderr=sink
        )
    try:
        assert process.wait(60) == 0
    finally:
        process.kill()
    assert "no command for 1 s: stopping" in log.read_text()
    assert not (home / client.SOCKET_NAME).exists()
