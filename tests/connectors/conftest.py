"""Fixtures for connector tests: real source databases and policy files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from crm_source import Source, crm_metadata, make_source

from dataward.policy.service import LoadedPolicy, load_policy


def server_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'crm.db'}"
    url: str = request.getfixturevalue(f"{backend}_url")
    return url


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def crm(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Source]:
    """The CRM schema, filled, on each database in turn (servers skip when not configured)."""
    backend: str = request.param
    url = server_url(request, backend, tmp_path)
    for source in make_source(backend, url, crm_metadata()):
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
