"""Retention fixtures: a keyring and a small policy with related collections."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from dataward.core.crypto import Keyring
from dataward.policy.schema import Policy


@pytest.fixture
def keyring() -> Keyring:
    return Keyring(secrets.token_bytes(32))


def policy_document(**retention_overrides: Any) -> dict[str, Any]:
    """A helpdesk with customers, their tickets (related date) and call recordings."""
    retention: dict[str, Any] = {
        "customers-6-years": {
            "period": "6 years",
            "after": "customers.ended_on",
            "reason": "claims under a contract",
        },
        "calls-3-months": {"period": "3 months", "after": "recorded_at", "reason": "disputes"},
        "enquiries-2-years": {
            "period": "2 years",
            "after": "received_on",
            "where": "became_customer = false",
            "reason": "no sale",
        },
    }
    retention.update(retention_overrides)
    return {
        "organisation": {
            "name": "Test Ltd",
            "registered_office": "1 High Street, Bath",
            "privacy_contact": "privacy@test.example.com",
        },
        "retention": retention,
        "activities": [
            {
                "name": "Support",
                "purpose": "essential.service.operations.support",
                "lawful_basis": "contract",
                "subjects": ["customer"],
                "categories": ["user.contact.email"],
                "systems": ["helpdesk"],
            }
        ],
        "systems": [
            {
                "name": "helpdesk",
                "connector": "sql",
                "connection": {"url_env": "HELPDESK_URL"},
                "dataset": {
                    "collections": [
                        {
                            "name": "customers",
                            "retention": "customers-6-years",
                            "retention_after": "ended_on",
                            "fields": [
                                {"name": "id", "primary_key": True},
                                {"name": "email", "identity": "email"},
                                {"name": "ended_on"},
                            ],
                        },
                        {
                            "name": "tickets",
                            "retention": "customers-6-years",
                            "fields": [
                                {"name": "id", "primary_key": True},
                                {"name": "customer_id", "references": [{"to": "customers.id"}]},
                                {"name": "subject", "erase": "mask", "mask": "[gone]"},
                            ],
                        },
                        {
                            "name": "enquiries",
                            "retention": "enquiries-2-years",
                            "fields": [
                                {"name": "id", "primary_key": True},
                                {"name": "from_email", "identity": "email"},
                                {"name": "received_on"},
                                {"name": "became_customer"},
                            ],
                        },
                        {
                            "name": "calls",
                            "retention": "calls-3-months",
                            "fields": [
                                {"name": "site", "primary_key": True},
                                {"name": "number", "primary_key": True},
                                {"name": "recorded_at"},
                            ],
                        },
                    ]
                },
            }
        ],
    }


@pytest.fixture
def policy() -> Policy:
    return Policy.model_validate(policy_document())
