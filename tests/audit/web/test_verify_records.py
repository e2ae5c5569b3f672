"""The console's "Verify now" and the API check each domain's own records, as `dataward audit
verify` does: a consent-ledger row rewritten in the database leaves the chain intact, and is
caught and shown all the same."""

from __future__ import annotations

from consent.ledger_factories import event
from evidence_web import Console
from fastapi.testclient import TestClient
from sqlalchemy import update

from dataward.audit import browse
from dataward.consent.ledger import LedgerAction, Medium
from dataward.consent.models import ConsentEvent
from dataward.core.crypto import Keyring


def _verify_in_console(console: Console, auditor: TestClient) -> str:
    answer = console.post_form(auditor, "/console/audit", "/console/audit/verify", {})
    assert answer.status_code == 303
    page = auditor.get(answer.headers["location"])
    assert page.status_code == 200
    return page.text


def test_verify_now_catches_a_ledger_row_rewritten_in_the_database(console: Console) -> None:
    runtime = console.runtime
    keyring = Keyring.from_settings(runtime.settings)
    with runtime.transaction() as session:
        withdrawn = event(
            session, keyring, runtime.clock, medium=Medium.EMAIL, action=LedgerAction.WITHDRAWN
        )
        event(session, keyring, runtime.clock, email="bob@example.com")
    auditor = console.browser("auditor")
    intact = _verify_in_console(console, auditor)
    assert "The chain is intact" in intact
    assert "consent ledger: 2 records match their audit events" in intact
    with runtime.transaction() as session:
        before = browse.chain_status(session=session)
    assert before.last_verified_at is not None

    # Someone with the database turns a withdrawal back into consent; the chain is untouched.
    with runtime.engine.begin() as connection:
        connection.execute(
            update(ConsentEvent).where(ConsentEvent.id == withdrawn.id).values(action="given")
        )
    altered = _verify_in_console(console, auditor)
    assert "The chain is intact" in altered  # the log itself was not touched
    assert "consent ledger: <strong>altered</strong>" in altered
    assert f"row {withdrawn.id} differs from its audit event" in altered
    assert "Investigate before anything else" in altered

    answer = console.client().post("/api/v1/audit/verify", headers=console.api("auditor"))
    assert answer.status_code == 200
    report = answer.json()
    assert report["ok"] is False and report["problem"] is None
    records = {check["name"]: check for check in report["records"]}
    assert (
        records["consent ledger"]["problem"] == f"row {withdrawn.id} differs from its audit event"
    )
    assert records["access register"] == {"name": "access register", "checked": 0, "problem": None}
    # A failed verification is never written down as the last intact one.
    with runtime.transaction() as session:
        after = browse.chain_status(session=session)
    assert (after.last_verified_at, after.last_verified_up_to) == (
        before.last_verified_at,
        before.last_verified_up_to,
    )
