"""Accounts fixtures: a keyring, a CLI bound to a private home, a test client of the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from people.factories import CliRun, cli_in, make_keyring

from dataward.app import create_app
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime


@pytest.fixture
def keyring() -> Keyring:
    return make_keyring()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRun:
    """`dataward ...` in a private home where `dataward init` has run (keys made)."""
    run = cli_in(tmp_path / "home", monkeypatch)
    assert run("init").exit_code == 0
    return run


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    """A browser-like client of the app over the committed test runtime."""
    from browser import keyring_for

    keyring_for(runtime)
    with TestClient(create_app(runtime), follow_redirects=False) as test_client:
        yield test_client
