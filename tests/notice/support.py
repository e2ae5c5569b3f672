"""Shared by the notice, ROPA and recipient tests and their scenario tests: policies and homes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
import yaml
from click.testing import Result
from typer.testing import CliRunner

from dataward.core import migrate
from dataward.core.db import make_engine
from dataward.domains import metadata
from dataward.notice import commands as notice_commands
from dataward.policy.service import LoadedPolicy, load_policy
from dataward.ropa import commands as ropa_commands

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "notice_policy.yaml"
NOW = "2026-03-02T10:00:00+00:00"

CliRun = Callable[..., Result]


def policy_data(path: Path = FIXTURE) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def write_policy(folder: Path, data: dict[str, Any], name: str = "dataward.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def variant(
    folder: Path, change: Callable[[dict[str, Any]], None], source: Path = FIXTURE
) -> LoadedPolicy:
    """The fixture policy with one change made to it, loaded the way the CLI loads it."""
    data = policy_data(source)
    change(data)
    return load_policy(write_policy(folder, data))


def activity(data: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in data["activities"] if a["name"] == name)
    return found


def recipient(data: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["recipients"] if r["name"] == name)
    return found


def prepare_home(home: Path) -> None:
    """A Dataward home whose SQLite database has every table, as `dataward init` leaves it."""
    home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{home / 'dataward.db'}")
    migrate.upgrade(engine)
    # Until the migrations are generated from the models, create what they do not.
    metadata().create_all(engine)
    engine.dispose()


def cli_runner(home: Path, monkeypatch: Any, *, now: str = NOW) -> CliRun:
    """`dataward ...` against a private home, with the clock frozen at `now`."""
    for name in ("DATAWARD_DATABASE_URL", "DATAWARD_NOW"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATAWARD_HOME", str(home))
    monkeypatch.setenv("DATAWARD_NOW", now)
    prepare_home(home)
    runner = CliRunner()
    # Mounted the way dataward.cli mounts it, without loading every other domain's commands.
    app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False)
    notice_commands.register(app)
    ropa_commands.register(app)

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)

    return run
