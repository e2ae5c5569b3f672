"""Kestrel IT's policy: three systems, five activities, exemptions for invoices and contracts."""

from __future__ import annotations

from typing import Any

POLICY: dict[str, Any] = {
    "organisation": {
        "name": "Kestrel IT Ltd",
        "company_number": "07654321",
        "registered_office": "4 Mill Lane, Poole BH15 1AA",
        "ico_registration": "ZA112233",
        "privacy_contact": "privacy@kestrel.example",
        "nation": "england-and-wales",
    },
    "subjects": [{"key": "customer", "name": "Customers"}],
    "recipients": [
        {
            "name": "Deskly Inc",
            "role": "processor",
            "service": "hosted help desk",
            "country": "US",
            "transfer_safeguard": "uk_dpf_extension",
            "dpf_checked_on": "2026-01-10",
            "contract_signed_on": "2024-02-01",
        },
        {
            "name": "Ledger & Co LLP",
            "role": "controller",
            "service": "accountants",
            "country": "GB",
            "contract_signed_on": "2023-04-01",
        },
        {
            "name": "Mailer Ltd",
            "role": "processor",
            "service": "newsletter sending",
            "country": "GB",
            "contract_signed_on": "2024-05-01",
        },
    ],
    "retention": {
        "tickets-2-years": {
            "period": "2 years",
            "after": "opened_on",
            "reason": "support history is useful for two years",
        },
        "contracts-6-years": {
            "period": "6 years",
            "after": "ended_on",
            "reason": "claims under a contract can be brought for six years",
        },
        "accounts-6-years": {
            "period": "6 years",
            "after": "issued_on",
            "reason": "HMRC requires accounting records for 6 years",
        },
        "calls-3-months": {
            "period": "3 months",
            "after": "called_on",
            "reason": "disputes about calls are raised within weeks",
        },
    },
    "activities": [
        {
            "name": "Customer support",
            "purpose": "essential.service.operations.support",
            "lawful_basis": "contract",
            "subjects": ["customer"],
            "categories": [
                "user.contact.email",
                "user.contact.phone_number",
                "user.name",
                "user.content",
            ],
            "systems": ["crm"],
            "recipients": ["Deskly Inc"],
            "retention": "tickets-2-years",
        },
        {
            "name": "Contracts",
            "purpose": "essential.service",
            "lawful_basis": "contract",
            "subjects": ["customer"],
            "categories": ["user.contact.email", "user.name"],
            "systems": ["crm"],
            "retention": "contracts-6-years",
        },
        {
            "name": "Accounts",
            "purpose": "essential.legal_obligation",
            "lawful_basis": "legal_obligation",
            "subjects": ["customer"],
            "categories": ["user.contact.email", "user.contact.phone_number", "user.financial"],
            "systems": ["billing"],
            "recipients": ["Ledger & Co LLP"],
            "retention": "accounts-6-years",
        },
        {
            "name": "Newsletter",
            "purpose": "marketing.communications.email",
            "lawful_basis": "consent",
            "subjects": ["customer"],
            "categories": ["user.contact.email", "user.name"],
            "systems": ["crm"],
            "recipients": ["Mailer Ltd"],
            "consent_withdrawal": "the unsubscribe link in every newsletter",
            "retention": "tickets-2-years",
        },
        {
            "name": "Call logging",
            "purpose": "essential.service.operations.improve",
            "lawful_basis": "legitimate_interests",
            "legitimate_interest": "checking the quality of our phone support",
            "subjects": ["customer"],
            "categories": ["user.contact.phone_number"],
            "systems": ["calls"],
            "retention": "calls-3-months",
        },
    ],
    "systems": [
        {
            "name": "crm",
            "connector": "sql",
            "connection": {"url_env": "KESTREL_CRM_URL"},
            "dataset": {
                "collections": [
                    {
                        "name": "customers",
                        "fields": [
                            {"name": "id", "primary_key": True},
                            {
                                "name": "email",
                                "categories": ["user.contact.email"],
                                "identity": "email",
                            },
                            {
                                "name": "phone",
                                "categories": ["user.contact.phone_number"],
                                "identity": "phone_number",
                            },
                            {"name": "name", "categories": ["user.name"]},
                            {"name": "created_on", "categories": ["system.operations"]},
                        ],
                    },
                    {
                        "name": "tickets",
                        "retention": "tickets-2-years",
                        "fields": [
                            {"name": "id", "primary_key": True},
                            {
                                "name": "customer_id",
                                "references": [{"to": "customers.id", "direction": "from"}],
                            },
                            {"name": "subject", "categories": ["user.content"]},
                            {"name": "opened_on", "categories": ["system.operations"]},
                        ],
                    },
                    {
                        "name": "contracts",
                        "retention": "contracts-6-years",
                        "exemption": {
                            "ground": "contract",
                            "reason": "the contract is still running",
                            "until": "contracts-6-years",
                        },
                        "fields": [
                            {"name": "id", "primary_key": True},
                            {
                                "name": "customer_id",
                                "references": [{"to": "customers.id", "direction": "from"}],
                            },
                            {
                                "name": "signatory_email",
                                "categories": ["user.contact.email"],
                                "identity": "email",
                            },
                            {"name": "started_on", "categories": ["system.operations"]},
                            {"name": "ended_on", "categories": ["system.operations"]},
                        ],
                    },
                ]
            },
        },
        {
            "name": "billing",
            "connector": "sql",
            "connection": {"url_env": "KESTREL_BILLING_URL"},
            "dataset": {
                "collections": [
                    {
                        "name": "invoices",
                        "retention": "accounts-6-years",
                        "exemption": {
                            "ground": "legal_obligation",
                            "reason": "HMRC requires accounting records for 6 years",
                            "until": "accounts-6-years",
                        },
                        "fields": [
                            {"name": "id", "primary_key": True},
                            {
                                "name": "customer_email",
                                "categories": ["user.contact.email"],
                                "identity": "email",
                                "references": [{"to": "crm.customers.email", "direction": "from"}],
                            },
                            {
                                "name": "billing_phone",
                                "categories": ["user.contact.phone_number"],
                            },
                            {"name": "amount", "categories": ["user.financial"]},
                            {"name": "issued_on", "categories": ["system.operations"]},
                        ],
                    }
                ]
            },
        },
        {
            "name": "calls",
            "connector": "sql",
            "connection": {"url_env": "KESTREL_CALLS_URL"},
            "dataset": {
                "collections": [
                    {
                        "name": "call_log",
                        "retention": "calls-3-months",
                        "fields": [
                            {"name": "id", "primary_key": True},
                            {
                                "name": "caller",
                                "categories": ["user.contact.phone_number"],
                                "identity": "phone_number",
                            },
                            {"name": "called_on", "categories": ["system.operations"]},
                            {"name": "minutes", "categories": ["system.operations"]},
                        ],
                    }
                ]
            },
        },
    ],
}
