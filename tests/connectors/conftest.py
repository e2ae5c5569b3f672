"""Fixtures for connector tests: real source databases and policy files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from crm_source import Source, crm_metadata, make_source
from sqlalchemy import Engine, create_engine

from dataward.policy.service import LoadedPolicy, load_policy


def server_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'crm.db'}"
    url: str = request.getfixturevalue(f"{backend}_url")
    return url


@pytest.fixture(scope="session")
def server_engines() -> Iterator[dict[str, Engine]]:
    """One engine per server database for the whole session: DDL on a server is slow, so the
    CRM tables are created once there and emptied between tests."""
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def crm(
    request: pytest.FixtureRequest, tmp_path: Path, server_engines: dict[str, Engine]
) -> Iterator[Source]:
    """The CRM schema, filled, on each database in turn (servers skip when not configured)."""
    backend: str = request.param
    url = server_url(request, backend, tmp_path)
    if backend == "sqlite":
        for source in make_source(backend, url, crm_metadata()):
            source.fill()
            yield source
        return
    engine = server_engines.get(backend) or server_engines.setdefault(backend, create_engine(url))
    metadata = crm_metadata()
    metadata.create_all(engine)
    source = Source(backend, url, engine, metadata)
    source.empty()
    source.fill()
    yield source


@pytest.fixture
def write_policy(tmp_path: Path) -> Callable[[list[dict[str, Any]]], LoadedPolicy]:
    """Write a dataward.yaml around these systems (organisation and an activity supplied) and
    load it the way every command does."""

    def write(systems: list[dict[str, Any]]) -> LoadedPolicy:
        document = {
            "organisation": {
                "name": "Example Support Ltd",
                "registered_office": "1 High Street, Bournemouth BH1 1AA",
                "privacy_contact": "privacy@example.co.uk",
            },
            "activities": [
                {
                    "name": "Customer support",
                    "purpose": "essential.service",
                    "lawful_basis": "contract",
                    "subjects": ["customer"],
                    "categories": ["user.contact.email"],
                    "systems": [s["name"] for s in systems],
                }
            ],
            "systems": systems,
        }
        path = tmp_path / "dataward.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        return load_policy(path)

    return write
