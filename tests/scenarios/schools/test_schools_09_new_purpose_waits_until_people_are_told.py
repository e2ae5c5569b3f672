"""schools-09: before data is used for a new purpose, the notice is updated and the affected
people are told; processing under the new purpose is blocked until then.

The schools example is deployed with its sample systems; the office manager adds a purpose to the
data map, publishes the notice, and the gate keeps the purpose blocked until `dataward notice
notify` has emailed every school contact (through a real SMTP server) the change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rights.request_factories import Inbox, smtp_server
from scenarios.product import Deployed

NEW_PURPOSE = "Customer satisfaction survey"
# The schools CRM's email identity fields (the policy's `identity: email`), read without Dataward.
CRM_EMAILS = [
    ("staff_contacts", "email"),
    ("consents", "given_by_email"),
    ("estimates", "sent_to_email"),
    ("invoices", "sent_to_email"),
]


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


def with_survey(deployed: Deployed) -> Path:
    """The data map with one new purpose on the CRM's school contacts, beside the original."""
    data: dict[str, Any] = deployed.data_map()
    data["activities"].append(
        {
            "name": NEW_PURPOSE,
            "business_function": "Support",
            "purpose": "functional.service.improve",
            "purpose_text": "to ask school contacts once a year what they think of our support",
            "lawful_basis": "legitimate_interests",
            "legitimate_interest": "learning what schools think so we can improve",
            "lia": {
                "purpose": "improving our support",
                "necessity": "only the schools can tell us what they think",
                "balance": "one short survey a year, easy to ignore",
                "reviewed_by": "the director",
                "reviewed_on": "2026-03-01",
            },
            "subjects": ["school_contact"],
            "categories": ["user.name", "user.contact.email"],
            "systems": ["crm"],
            "channels": ["survey"],
            "retention": next(iter(data["retention"])),
        }
    )
    data["channels"]["survey"] = {
        "kind": "marketing",
        "media": ["email"],
        "description": "one short survey a year about our support",
    }
    changed = deployed.policy.with_name("dataward-survey.yaml")
    changed.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return changed


def test_schools_09_a_new_purpose_is_blocked_until_every_affected_contact_is_told(
    tmp_path: Path, mail: tuple[Inbox, int]
) -> None:
    inbox, port = mail
    deployed = Deployed("schools", tmp_path)
    deployed.environment |= {
        "DATAWARD_NOW": "2026-03-02T10:00:00+00:00",
        "DATAWARD_SMTP_HOST": "127.0.0.1",
        "DATAWARD_SMTP_PORT": str(port),
        "DATAWARD_MAIL_FROM": "privacy@schools.example.com",
    }
    deployed.run("notice", "publish", str(deployed.policy))
    changed = with_survey(deployed)

    # Not in the notice yet: blocked, and the gate says what to do.
    blocked = deployed.run("notice", "gate", NEW_PURPOSE, "-p", str(changed), exit_code=1)
    assert "does not tell people about it" in blocked.output
    existing = deployed.run("notice", "gate", "Support desk", "-p", str(changed))
    assert "nothing is blocked" in existing.output

    published = deployed.run("notice", "publish", str(changed))
    assert "published notice version 2" in published.output
    # In the notice now, but the contacts have not been told: still blocked.
    still = json.loads(
        deployed.run(
            "notice", "gate", NEW_PURPOSE, "-p", str(changed), "--json", exit_code=1
        ).output
    )
    assert still["blocked"][0]["version"] == 2
    assert "notice notify 2" in still["blocked"][0]["fix"]
    assert inbox.messages == []
    # Nothing is sent on the new purpose's channel either, whoever the person is.
    someone = sorted(
        str(r["email"]) for r in deployed.rows("crm", "staff_contacts") if r.get("email")
    )[0]
    survey = ("comms", "check", "--channel", "survey", "--email", someone, "-p", str(changed))
    refused = deployed.run(*survey, exit_code=None)
    assert "blocked" in refused.output and "notice notify 2" in refused.output

    told = json.loads(
        deployed.run(
            "notice", "notify", "2", "-p", str(changed), "--env-file", str(deployed.env_file),
            "--json",
        ).output
    )  # fmt: skip
    contacts = {
        str(row[column]).strip().lower()
        for collection, column in CRM_EMAILS
        for row in deployed.rows("crm", collection)
        if row.get(column)
    }
    assert contacts, "the sample CRM has school contacts"
    recipients = [str(m["To"]).lower() for m in inbox.messages]
    assert sorted(recipients) == sorted(contacts)  # every contact, each once
    assert told["finished"] is True and told["sent"] == len(contacts)
    body = inbox.messages[0].get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert NEW_PURPOSE in text and "version 2" in text

    allowed = deployed.run("notice", "gate", NEW_PURPOSE, "-p", str(changed))
    assert "nothing is blocked" in allowed.output
    # The channel now answers on its own rules (here: no consent yet), not the gate's.
    judged = deployed.run(*survey, exit_code=None)
    assert "blocked" not in judged.output

    # Running it again tells nobody twice.
    again = json.loads(
        deployed.run(
            "notice", "notify", "2", "-p", str(changed), "--env-file", str(deployed.env_file),
            "--json",
        ).output
    )  # fmt: skip
    assert again["sent"] == 0 and len(inbox.messages) == len(contacts)
    log = deployed.run("audit", "log", "--json").output
    assert "policy.notice.notified" in log
