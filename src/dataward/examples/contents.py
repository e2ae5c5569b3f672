"""Reading what a generator built, the way the policy describes it: for tests and demos.

The connectors are the product's way in; these helpers exist so tests can check the sample
systems independently of them (a test of a connector must not trust the connector).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, or_, select

from dataward.core.errors import ConfigurationError, UsageError
from dataward.examples.catalogue import generate_example, policy_path
from dataward.policy.schema import Policy, System
from dataward.policy.service import LoadedPolicy, load_policy

Row = dict[str, Any]


@dataclass(frozen=True)
class GeneratedExample:
    """An example's sample systems as built, with the policy that describes them."""

    name: str
    out: Path
    environment: dict[str, str]
    loaded: LoadedPolicy

    @property
    def policy(self) -> Policy:
        return self.loaded.policy

    def system(self, name: str) -> System:
        system = self.policy.system(name)
        if system is None:
            raise UsageError(f"example {self.name!r} has no system {name!r}")
        return system


def build_example(
    name: str,
    out: Path,
    *,
    people: int = 200,
    seed: int = 7,
    urls: Mapping[str, str] | None = None,
) -> GeneratedExample:
    """Generate an example under `out` and load its policy."""
    environment = generate_example(name, out, people=people, seed=seed, urls=urls)
    return GeneratedExample(name, out.resolve(), environment, load_policy(policy_path(name)))


def system_url(system: System, environment: Mapping[str, str]) -> str:
    """The SQLAlchemy URL of a generated system: its database, or its folder's index."""
    connection = system.connection
    if "url_env" in connection:
        variable = str(connection["url_env"])
        if variable not in environment:
            raise ConfigurationError(f"{variable} is not set for system {system.name!r}")
        return environment[variable]
    if "path_env" in connection:
        variable = str(connection["path_env"])
        if variable not in environment:
            raise ConfigurationError(f"{variable} is not set for system {system.name!r}")
        index = str(connection.get("index", "index.sqlite"))
        return f"sqlite:///{Path(environment[variable]) / index}"
    raise ConfigurationError(f"system {system.name!r} has neither url_env nor path_env")


def system_folder(system: System, environment: Mapping[str, str]) -> Path | None:
    """The folder of a files system, or None for a SQL one."""
    variable = system.connection.get("path_env")
    return Path(environment[str(variable)]) if variable else None


@contextmanager
def system_engine(system: System, environment: Mapping[str, str]) -> Iterator[Engine]:
    engine = create_engine(system_url(system, environment))
    try:
        yield engine
    finally:
        engine.dispose()


def plain(value: Any) -> Any:
    """One value as any backend would give it: aware datetimes become naive UTC."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def table_rows(engine: Engine, table: str) -> list[Row]:
    """Every row of one table, ordered by primary key, values made backend-neutral."""
    metadata = MetaData()
    metadata.reflect(engine, only=[table])
    reflected = metadata.tables[table]
    order = list(reflected.primary_key.columns) or list(reflected.columns)
    with engine.connect() as connection:
        result = connection.execute(select(reflected).order_by(*order))
        return [{key: plain(value) for key, value in row._mapping.items()} for row in result]


def snapshot(system: System, environment: Mapping[str, str]) -> dict[str, list[Row]]:
    """Every declared collection of a generated system, row by row."""
    dataset = system.dataset
    if dataset is None:
        return {}
    with system_engine(system, environment) as engine:
        return {c.name: table_rows(engine, c.name) for c in dataset.collections}


def identity_holdings(
    system: System, environment: Mapping[str, str], identities: Mapping[str, str]
) -> dict[str, int]:
    """How many rows of each collection carry one of these identities (kind → value) in a
    field declared with that identity kind; collections with none are left out."""
    dataset = system.dataset
    if dataset is None:
        return {}
    held: dict[str, int] = {}
    with system_engine(system, environment) as engine:
        metadata = MetaData()
        metadata.reflect(engine, only=[c.name for c in dataset.collections])
        with engine.connect() as connection:
            for collection in dataset.collections:
                table = metadata.tables[collection.name]
                clauses = [
                    table.c[field.name] == identities[field.identity]
                    for field in collection.fields
                    if field.identity is not None and field.identity in identities
                ]
                if not clauses:
                    continue
                count = len(connection.execute(select(table).where(or_(*clauses))).all())
                if count:
                    held[collection.name] = count
    return held
