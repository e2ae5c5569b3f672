"""The benchmark's policy: the four systems' datasets, their identities and exemptions."""

from __future__ import annotations

from typing import Any


def field(name: str, *categories: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "categories": list(categories), **extra}


def ref(to: str) -> dict[str, Any]:
    return {"to": to}


def policy_document() -> dict[str, Any]:
    pk = {"primary_key": True}
    return {
        "organisation": {
            "name": "Benchmark Services Ltd",
            "registered_office": "1 Test Street, Bristol BS1 1AA",
            "privacy_contact": "privacy@bench.example.com",
        },
        "retention": {
            "accounts-6-years": {"period": "6 years", "after": "issued_on"},
            "calls-3-months": {"period": "3 months", "after": "recorded_on"},
        },
        "activities": [
            {
                "name": "Support",
                "purpose": "essential.service.operations.support",
                "lawful_basis": "contract",
                "subjects": ["customer"],
                "categories": ["user"],
                "systems": ["crm", "calls"],
            },
            {
                "name": "Accounts",
                "purpose": "essential.legal_obligation",
                "lawful_basis": "legal_obligation",
                "subjects": ["customer"],
                "categories": ["user"],
                "systems": ["billing"],
                "retention": "accounts-6-years",
            },
            {
                "name": "Newsletter",
                "purpose": "marketing.communications.email",
                "lawful_basis": "consent",
                "subjects": ["customer"],
                "categories": ["user"],
                "systems": ["marketing"],
            },
        ],
        "systems": [
            {
                "name": "crm",
                "connector": "sql",
                "connection": {"url_env": "BENCH_CRM_URL"},
                "dataset": {
                    "collections": [
                        {
                            "name": "customers",
                            "fields": [
                                field("id", **pk),
                                field("email", "user.contact.email", identity="email"),
                                field(
                                    "phone", "user.contact.phone_number", identity="phone_number"
                                ),
                                field("name", "user.name"),
                                field("created_on", "system.operations"),
                            ],
                        },
                        {
                            "name": "tickets",
                            "fields": [
                                field("id", **pk),
                                field("customer_id", references=[ref("customers.id")]),
                                field("subject", "user.content"),
                                field("opened_on", "system.operations"),
                            ],
                        },
                        {
                            "name": "ticket_notes",
                            "fields": [
                                field("id", **pk),
                                field("ticket_id", references=[ref("tickets.id")]),
                                field("body", "user.content"),
                            ],
                        },
                        {
                            "name": "devices",
                            "fields": [
                                field("id", **pk),
                                field("customer_id", references=[ref("customers.id")]),
                                field("hostname", "user.device"),
                            ],
                        },
                        {
                            "name": "sites",
                            "fields": [
                                field("id", **pk),
                                field("customer_id", references=[ref("customers.id")]),
                                field("address", "user.contact.address.street"),
                                field("postcode", "user.contact.address.postal_code"),
                            ],
                        },
                    ]
                },
            },
            {
                "name": "billing",
                "connector": "sql",
                "connection": {"url_env": "BENCH_BILLING_URL", "identity_match": "exact"},
                "dataset": {
                    "collections": [
                        {
                            "name": "accounts",
                            "fields": [
                                field("id", **pk),
                                # Kept invoices keep their account row: its email is masked.
                                field(
                                    "email",
                                    "user.contact.email",
                                    identity="email",
                                    erase="mask",
                                    mask="[erased]",
                                ),
                                field("account_number", "user.unique_id", erase="keep"),
                            ],
                        },
                        {
                            "name": "invoices",
                            "retention": "accounts-6-years",
                            "exemption": {
                                "ground": "legal_obligation",
                                "reason": "HMRC: accounting records are kept 6 years",
                                "until": "accounts-6-years",
                            },
                            "fields": [
                                field("id", **pk),
                                field("account_id", references=[ref("accounts.id")]),
                                field("issued_on", "system.operations"),
                                field("amount_pence", "user.financial"),
                            ],
                        },
                        {
                            "name": "payments",
                            "retention": "accounts-6-years",
                            "retention_after": "invoices.issued_on",
                            "exemption": {
                                "ground": "legal_obligation",
                                "reason": "HMRC: accounting records are kept 6 years",
                                "until": "accounts-6-years",
                            },
                            "fields": [
                                field("id", **pk),
                                field("invoice_id", references=[ref("invoices.id")]),
                                field("paid_on", "user.financial"),
                                field("amount_pence", "user.financial"),
                            ],
                        },
                        {
                            "name": "addresses",
                            "fields": [
                                field("id", **pk),
                                field("account_id", references=[ref("accounts.id")]),
                                field("line1", "user.contact.address.street"),
                                field("postcode", "user.contact.address.postal_code"),
                            ],
                        },
                    ]
                },
            },
            {
                "name": "marketing",
                "connector": "sql",
                "connection": {"url_env": "BENCH_MARKETING_URL"},
                "dataset": {
                    "collections": [
                        {
                            "name": "subscribers",
                            "fields": [
                                field("id", **pk),
                                field("email", "user.contact.email", identity="email"),
                                field("first_name", "user.name"),
                                field("subscribed_on", "system.operations"),
                            ],
                        },
                        {
                            "name": "clicks",
                            "fields": [
                                field("id", **pk),
                                field("subscriber_id", references=[ref("subscribers.id")]),
                                field("url", "user.behavior"),
                                field("clicked_on", "system.operations"),
                            ],
                        },
                    ]
                },
            },
            {
                "name": "calls",
                "connector": "files",
                "connection": {"path_env": "BENCH_CALLS_DIR", "index": "index.sqlite"},
                "dataset": {
                    "collections": [
                        {
                            "name": "recordings",
                            "retention": "calls-3-months",
                            "fields": [
                                field("id", **pk),
                                field(
                                    "caller", "user.contact.phone_number", identity="phone_number"
                                ),
                                field("recorded_on", "system.operations"),
                                field("audio_file", "user.content", file=True),
                            ],
                        }
                    ]
                },
            },
        ],
    }
