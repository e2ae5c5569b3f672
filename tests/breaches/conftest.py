"""Fixtures for the breach register: an example business's policy and a keyring."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from dataward.core.crypto import Keyring
from dataward.policy.service import LoadedPolicy, load_policy

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "dataward" / "examples" / "businesses"


def example_policy(business: str) -> LoadedPolicy:
    return load_policy(EXAMPLES / business / "dataward.yaml")


@pytest.fixture
def keyring() -> Keyring:
    return Keyring(secrets.token_bytes(32))


@pytest.fixture
def schools() -> LoadedPolicy:
    return example_policy("schools")
