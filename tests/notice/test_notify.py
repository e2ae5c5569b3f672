"""`dataward notice notify` and `notice gate`: resumable, told once, and honest about gaps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from rights.request_factories import Inbox, free_port, smtp_server
from scenarios.product import Deployed
from scenarios.schools.test_schools_09_new_purpose_waits_until_people_are_told import (
    CRM_EMAILS,
    NEW_PURPOSE,
    with_survey,
)


class FailingAfter(Inbox):
    """Accepts `limit` messages, then refuses every other one, as a mail server over quota."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if len(self.messages) >= self.limit:
            return "554 over quota"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def deployed(tmp_path: Path) -> Iterator[Deployed]:
    deployed = Deployed("schools", tmp_path)
    deployed.environment |= {
        "DATAWARD_NOW": "2026-03-02T10:00:00+00:00",
        "DATAWARD_SMTP_HOST": "127.0.0.1",
        "DATAWARD_MAIL_FROM": "privacy@schools.example.com",
    }
    deployed.run("notice", "publish", str(deployed.policy))
    yield deployed


def notify(deployed: Deployed, changed: Path, *extra: str, exit_code: int = 0) -> dict[str, Any]:
    result = deployed.run(
        "notice", "notify", "2", "-p", str(changed), "--env-file", str(deployed.env_file),
        "--json", *extra, exit_code=exit_code,
    )  # fmt: skip
    if exit_code != 0:
        return {"output": result.output}
    found: dict[str, Any] = json.loads(result.output)
    return found


def contacts(deployed: Deployed) -> set[str]:
    """Every address the CRM holds, read from its tables without Dataward."""
    found: set[str] = set()
    for collection, column in CRM_EMAILS:
        rows = deployed.rows("crm", collection)
        found |= {str(r[column]).strip().lower() for r in rows if r.get(column)}
    return found


def recipients(messages: list[EmailMessage]) -> list[str]:
    return [str(m["To"]).lower() for m in messages]


def test_a_run_stopped_by_the_mail_server_resumes_without_telling_anyone_twice(
    deployed: Deployed,
) -> None:
    changed = with_survey(deployed)
    deployed.run("notice", "publish", str(changed))
    everyone = contacts(deployed)
    assert len(everyone) > 3

    failing = FailingAfter(limit=2)
    port = free_port()
    controller = Controller(failing, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        deployed.environment["DATAWARD_SMTP_PORT"] = str(port)
        stopped = notify(deployed, changed, exit_code=1)
        assert "could not send email" in stopped["output"]
    finally:
        controller.stop()
    first_batch = recipients(failing.messages)
    assert len(first_batch) == 2
    # Still blocked: not everyone was told.
    deployed.run("notice", "gate", NEW_PURPOSE, "-p", str(changed), exit_code=1)

    with smtp_server() as (inbox, port):
        deployed.environment["DATAWARD_SMTP_PORT"] = str(port)
        resumed = notify(deployed, changed)
    rest = recipients(inbox.messages)
    assert resumed["finished"] is True
    assert not set(first_batch) & set(rest)  # the two told before are not told again
    assert sorted(first_batch + rest) == sorted(everyone)
    deployed.run("notice", "gate", NEW_PURPOSE, "-p", str(changed))


def test_a_system_told_by_hand_needs_evidence_and_a_dry_run_sends_nothing(
    deployed: Deployed,
) -> None:
    changed = with_survey(deployed)
    deployed.run("notice", "publish", str(changed))
    with smtp_server() as (inbox, port):
        deployed.environment["DATAWARD_SMTP_PORT"] = str(port)
        plan = notify(deployed, changed, "--dry-run")
        read = plan["read"]
        assert {"system": "crm", "collection": "staff_contacts", "email_field": "email"} in read
        assert {source["system"] for source in read} == {"crm"}  # the new purpose's one system
        assert any(NEW_PURPOSE in text for text in plan["changes"])
        refused = deployed.run(
            "notice", "notify", "2", "-p", str(changed), "--told-by-hand", "crm", exit_code=2
        )
        assert "--evidence" in refused.output
        by_hand = notify(
            deployed, changed, "--told-by-hand", "crm", "--evidence", "letter to every school"
        )
    assert inbox.messages == []
    assert by_hand["finished"] is True and by_hand["told_by_hand"] == ["crm"]
    deployed.run("notice", "gate", NEW_PURPOSE, "-p", str(changed))


def test_the_gate_refuses_names_it_does_not_know_rather_than_saying_allowed(
    deployed: Deployed,
) -> None:
    unknown = deployed.run("notice", "gate", "Telepathy", "-p", str(deployed.policy), exit_code=2)
    assert "no activity named 'Telepathy'" in unknown.output
    purpose = deployed.run(
        "notice", "gate", "--purpose", "no.such.use", "-p", str(deployed.policy), exit_code=2
    )
    assert "no activity of the policy has the purpose" in purpose.output
    # The first version had nothing to tell before: notify finishes at once, sending nothing.
    with smtp_server() as (inbox, port):
        deployed.environment["DATAWARD_SMTP_PORT"] = str(port)
        first = json.loads(
            deployed.run("notice", "notify", "1", "-p", str(deployed.policy), "--json").output
        )
    assert first["finished"] is True and first["sent"] == 0 and inbox.messages == []
