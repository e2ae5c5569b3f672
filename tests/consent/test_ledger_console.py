"""The console's consent ledger: find a person, see their history; only with consent.read."""

from __future__ import annotations

from collections.abc import Callable

from browser import StaffAccount, csrf_token, keyring_for, sign_in
from fastapi.testclient import TestClient

from consent.ledger_factories import event
from dataward.consent.ledger import LedgerAction, Medium
from dataward.core.runtime import Runtime


def _record(runtime: Runtime) -> str:
    with runtime.transaction() as session:
        row = event(session, keyring_for(runtime), runtime.clock, medium=Medium.EMAIL)
        event(
            session,
            keyring_for(runtime),
            runtime.clock,
            email="bob@example.com",
            action=LedgerAction.OBJECTED,
            medium=Medium.ALL,
        )
        return row.pseudonym


def test_staff_find_a_person_by_email_and_see_their_history(
    client: TestClient, msp_runtime: Runtime, staff_account: Callable[..., StaffAccount]
) -> None:
    pseudonym = _record(msp_runtime)
    sign_in(client, msp_runtime, staff_account("staff"))
    ledger = client.get("/console/consent")
    assert ledger.status_code == 200
    assert 'href="/console/consent"' in ledger.text  # in the navigation
    assert '<label for="identifier">' in ledger.text
    token = csrf_token(client, "/console/consent")
    found = client.post(
        "/console/consent/lookup", data={"identifier": "ANN@example.com", "csrf_token": token}
    )
    assert found.status_code == 303
    assert found.headers["location"] == f"/console/consent/people/{pseudonym}"
    assert "ann" not in found.headers["location"]
    person = client.get(found.headers["location"])
    assert person.status_code == 200
    assert "order form v3" in person.text and "given" in person.text
    assert "ann@example.com" in person.text  # staff may read personal data

    missing = client.post(
        "/console/consent/lookup", data={"identifier": "nobody@example.com", "csrf_token": token}
    )
    assert missing.status_code == 400 and "Nobody with that email" in missing.text
    assert "Consent" in client.get("/console").text  # the dashboard panel


def test_attack_another_persons_history_without_permission(
    client: TestClient, msp_runtime: Runtime, staff_account: Callable[..., StaffAccount]
) -> None:
    pseudonym = _record(msp_runtime)
    anonymous = client.get(f"/console/consent/people/{pseudonym}")
    assert anonymous.status_code == 303 and "/console/sign-in" in anonymous.headers["location"]
    sign_in(client, msp_runtime, staff_account("auditor"))
    for path in ("/console/consent", f"/console/consent/people/{pseudonym}"):
        refused = client.get(path)
        assert refused.status_code == 403
        assert "ann" not in refused.text and "order form" not in refused.text
    token = csrf_token(client, "/console")
    lookup = client.post(
        "/console/consent/lookup", data={"identifier": "ann@example.com", "csrf_token": token}
    )
    assert lookup.status_code == 403
    assert 'href="/console/consent"' not in client.get("/console").text
    without_token = client.post("/console/consent/lookup", data={"identifier": "ann@example.com"})
    assert without_token.status_code == 403
