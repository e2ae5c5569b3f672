"""Every command, given hostile arguments, ends with a message and exit 0, 1 or 2: never a
traceback, never an "unexpected error". The commands are found by walking the command tree."""

from __future__ import annotations

import enum
import resource
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, get_args

import pytest
from command_tree import Leaf, annotation, leaves
from typer.testing import CliRunner

from dataward.cli import app

runner = CliRunner()

# Commands that would otherwise run until stopped.
FINITE = {"worker": ["--once"], "warm": ["--idle", "1"]}


def _profiles(scratch: Path) -> dict[str, dict[Any, str]]:
    """Per kind of value, one hostile value; every parameter of a command gets one at once."""
    a_file = scratch / "a-file.txt"
    a_file.write_text("not a policy\n", encoding="utf-8")
    return {
        "nonexistent": {
            Path: "/nonexistent/dataward/x.yaml",
            int: str(10**20),
            float: "1e400",
            str: "",
            datetime: "9999-12-31",
            "enum": "",
        },
        "folder-for-a-file": {
            Path: str(scratch),
            int: "-1",
            float: "-1",
            str: "\x00\x1b[31m\r\nx\t",
            datetime: "0001-01-01",
            "enum": "first",
        },
        "unwritable": {
            Path: "/proc/dataward/x.zip",
            int: str(2**63),
            float: "nan",
            str: "x" * 10_000,
            datetime: "9999-12-31T23:59:59",
            "enum": "first",
        },
        "file-under-a-file": {
            Path: str(a_file / "out.csv"),
            int: "99999",
            float: "inf",
            str: "léa@example.co.uk ' OR 1=1; --",
            datetime: "0001-01-01T00:00:00",
            "enum": "not-a-choice",
        },
        "device": {
            Path: "/dev/zero",
            int: "0",
            float: "0",
            str: "../../../../etc/passwd",
            datetime: "2026-02-30",
            "enum": "first",
        },
    }


def _value(param: Any, values: dict[Any, str]) -> str:
    kind = annotation(param)
    inner = get_args(kind)
    if inner:  # list[str], list[Path]
        kind = inner[0]
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        choice = values["enum"]
        return str(next(iter(kind)).value) if choice == "first" else choice
    return values.get(kind, values[str])


def hostile_args(leaf: Leaf, values: dict[Any, str]) -> list[str]:
    finite = FINITE.get(leaf.name, [])
    args = [*leaf.words, *finite]
    for option in leaf.options():
        if annotation(option) is bool or option.opts[0] in finite:
            continue
        args += [option.opts[0], _value(option, values)]
    for argument in leaf.arguments():
        args.append(_value(argument, values))
    return args


LEAVES = list(leaves())
PROFILES = ["nonexistent", "folder-for-a-file", "unwritable", "file-under-a-file", "device"]


@pytest.fixture(scope="module", autouse=True)
def _bounded_memory() -> Iterator[None]:
    """A command that reads /dev/zero fails this test with MemoryError, not the machine."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    in_use = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
    resource.setrlimit(resource.RLIMIT_AS, (in_use + 2 * 1024**3, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@pytest.fixture(scope="module")
def ready_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("hostile-home")
    env = {
        "DATAWARD_HOME": str(home),
        "DATAWARD_NOW": "2026-03-02T10:00:00+00:00",
        "DATAWARD_SMTP_PORT": "9",  # discard: nothing listens, so sending fails at once
    }
    result = runner.invoke(app, ["init"], env=env)
    assert result.exit_code == 0, result.output
    yield env


def test_the_walk_finds_every_command() -> None:
    names = {leaf.name for leaf in LEAVES}
    assert {"check", "rights access", "retention forecast", "holds add", "serve"} <= names
    assert len(names) > 40


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("leaf", LEAVES, ids=lambda leaf: leaf.name.replace(" ", "-"))
def test_attack_every_command_with_hostile_arguments(
    leaf: Leaf, profile: str, ready_home: dict[str, str], tmp_path: Path
) -> None:
    args = hostile_args(leaf, _profiles(tmp_path)[profile])
    result = runner.invoke(app, args, env=ready_home)
    shown = f"dataward {' '.join(a[:40] for a in args)}\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    assert result.exit_code in {0, 1, 2}, shown
    assert "Traceback" not in result.output, shown
    assert "unexpected" not in result.output, shown
