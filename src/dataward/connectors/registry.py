"""Connector kinds, one line each. A new kind is a folder plus a line here."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from dataward.connectors.base import Connector
from dataward.connectors.environment import load_env_file
from dataward.connectors.files import FilesConnector
from dataward.connectors.http import HttpConnector
from dataward.connectors.sql import SqlConnector
from dataward.core.errors import ConnectorError
from dataward.policy.schema import System

KINDS: dict[str, type[Connector]] = {
    "sql": SqlConnector,
    "files": FilesConnector,
    "http": HttpConnector,
}

__all__ = ["KINDS", "connect", "kind_named", "load_env_file", "unconfigured"]


def kind_named(name: str) -> type[Connector] | None:
    """The connector class of a kind, whose attributes say what the kind needs and can do."""
    return KINDS.get(name)


def connect(
    system: System, *, base_dir: Path, environ: Mapping[str, str] = os.environ
) -> Connector:
    """The connector for `system`, configured from its `connection:` and the environment.

    Nothing is reached yet: call `test()` to check the system answers and matches its dataset.
    """
    kind = kind_named(system.connector)
    if kind is None:
        raise ConnectorError(
            f"unknown connector kind {system.connector!r}",
            system=system.name,
            fix=f"use one of: {', '.join(sorted(KINDS))}",
        )
    return kind(system=system, base_dir=base_dir, environ=environ)


def environ_with(env_file: Path | None) -> dict[str, str]:
    """The process environment, with an env file's values on top when one is given."""
    environ = dict(os.environ)
    if env_file is not None:
        environ.update(load_env_file(env_file))
    return environ


def unconfigured(
    systems: Iterable[System], *, base_dir: Path, environ: Mapping[str, str]
) -> dict[str, ConnectorError]:
    """Each system whose connection settings cannot be read (an unset variable, a bad URL).

    Only the settings are read, nothing is reached: a system that is down is not a
    configuration problem and a later retry may find it up; an unset variable never heals.
    """
    problems: dict[str, ConnectorError] = {}
    for system in systems:
        try:
            connect(system, base_dir=base_dir, environ=environ).close()
        except ConnectorError as exc:
            problems[system.name] = exc
    return problems


def environ_for_jobs(systems_env_file: Path | None, env_file: Path | None = None) -> dict[str, str]:
    """What a job runner sees: the process environment, then DATAWARD_SYSTEMS_ENV_FILE's
    values where the process has none (as serve and worker load it), then an env file given
    on the command line on top."""
    environ = environ_with(env_file)
    if systems_env_file is not None:
        for key, value in load_env_file(systems_env_file).items():
            environ.setdefault(key, value)
    return environ
