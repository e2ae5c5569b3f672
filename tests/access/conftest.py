"""Access-register fixtures: a keyring, the msp example's policy, events as a tool sends them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from people.factories import make_keyring

from dataward.access.schemas import AccessEventIn
from dataward.core.crypto import Keyring
from dataward.examples.catalogue import policy_path
from dataward.policy.schema import Policy
from dataward.policy.service import load_policy


@pytest.fixture
def keyring() -> Keyring:
    return make_keyring()


@pytest.fixture(scope="session")
def msp_policy() -> Policy:
    return load_policy(policy_path("msp")).policy


def session_event(event_id: str, **changes: Any) -> AccessEventIn:
    """An attended remote session with the warning shown: breaks no rule."""
    values: dict[str, Any] = {
        "event_id": event_id,
        "kind": "remote_session",
        "engineer": "Priya Shah",
        "device": "ACME-LT-014",
        "client": "Acme Ltd",
        "started_at": datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        "ended_at": datetime(2026, 3, 2, 9, 40, tzinfo=UTC),
        "attended": True,
        "warning_shown": True,
        "reason": "support",
        "username": "jbloggs",
        "ip_address": "10.20.30.40",
        "hostname": "acme-lt-014.acme.local",
    }
    values.update(changes)
    return AccessEventIn.model_validate(values)
