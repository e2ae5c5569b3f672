"""Helpers for the ledger tests: the example businesses' policies and a quick event."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

import dataward.examples.businesses as businesses
from dataward.consent.ledger import Contact, Entry, LedgerAction, Medium, Method, Wording, record
from dataward.consent.models import ConsentEvent
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.policy.schema import Policy
from dataward.policy.service import load_policy

FORM = Wording.of("order form v3", "Tick to get our offers by email.")


def example_policy_file(business: str) -> Path:
    return Path(businesses.__file__).parent / business / "dataward.yaml"


def example_policy(business: str) -> Policy:
    return load_policy(example_policy_file(business)).policy


def event(
    session: Session,
    keyring: Keyring,
    clock: Clock,
    *,
    email: str = "ann@example.com",
    purpose: str = "marketing",
    medium: Medium = Medium.EMAIL,
    action: LedgerAction = LedgerAction.GIVEN,
    method: Method = Method.WEB_FORM,
) -> ConsentEvent:
    return record(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="test:staff",
        contact=Contact(email=email),
        entry=Entry(purpose=purpose, medium=medium, action=action, wording=FORM, method=method),
    )
