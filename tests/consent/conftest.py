"""Consent fixtures: a keyring with a fresh master key, and a CLI bound to a private home."""

from __future__ import annotations

from pathlib import Path

import pytest
from people.factories import CliRun, cli_in, make_keyring

# The ledger's web tests: the app over the msp example's policy.
from consent.web import client, msp_runtime  # noqa: F401  # fixtures
from dataward.core.crypto import Keyring


@pytest.fixture
def keyring() -> Keyring:
    return make_keyring()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRun:
    return cli_in(tmp_path / "home", monkeypatch)
