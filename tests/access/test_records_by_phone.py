"""Staff look a person up by phone number as well as by email: in the console and the API, the
view is written to the audit log first under the number's keyed hash, never the number."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from scenarios.register import signed_in_client
from sqlalchemy import create_engine, select, text

from dataward.access import records
from dataward.accounts.roles import Role
from dataward.audit.models import AuditEvent
from dataward.core.crypto import Keyring
from dataward.core.identifiers import normalise_phone
from dataward.core.runtime import Runtime
from dataward.examples.contents import GeneratedExample, build_example


@pytest.fixture(scope="module")
def voip(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("voip", tmp_path_factory.mktemp("by-phone"), people=30)


def test_a_person_is_found_by_phone_number_and_the_view_is_logged_by_its_hash(
    voip: GeneratedExample, runtime: Runtime, staff_account: Any
) -> None:
    engine = create_engine(voip.environment["VOIP_CRM_URL"])
    with engine.connect() as connection:
        customer_number, phone = connection.execute(
            text(
                "SELECT customer_number, phone FROM customers WHERE phone IS NOT NULL "
                "ORDER BY id LIMIT 1"
            )
        ).one()
    engine.dispose()
    account = staff_account(Role.STAFF)
    client = signed_in_client(runtime, voip, account)
    # Typed as a person reads it out: spaces, a national 0.
    spoken = normalise_phone(phone).replace("+44", "0")
    asked = {"phone": f"{spoken[:5]} {spoken[5:]}", "system": "crm", "collection": "customers"}
    page = client.get("/console/records?" + urlencode(asked))
    assert page.status_code == 200
    assert "1 record in" in page.text and str(customer_number) in page.text
    api = client.get("/api/v1/records", params=asked)
    assert api.status_code == 200
    assert [r["fields"]["customer_number"] for r in api.json()["records"]] == [str(customer_number)]

    keyring = Keyring.from_settings(runtime.settings)
    with runtime.transaction() as session:
        person = keyring.attached(session).identifier_hash("phone", normalise_phone(phone))
        viewed = list(
            session.scalars(select(AuditEvent).where(AuditEvent.action == records.VIEWED))
        )
    assert [e.details["person"] for e in viewed] == [person, person]
    assert all(phone not in str(e.details) and spoken not in str(e.details) for e in viewed)


def test_an_email_and_a_phone_together_or_neither_are_refused(
    voip: GeneratedExample, runtime: Runtime, staff_account: Any
) -> None:
    client = signed_in_client(runtime, voip, staff_account(Role.STAFF))
    both = {"email": "a@example.com", "phone": "07700 900123", "system": "crm"}
    page = client.get("/console/records?" + urlencode({**both, "collection": "customers"}))
    assert page.status_code == 422
    assert "email address or their phone number, one of them" in page.text
    api = client.get("/api/v1/records", params={"system": "crm", "collection": "customers"})
    assert api.status_code == 422
    assert "one of them" in api.json()["error"]["message"]
    with runtime.transaction() as session:
        assert (
            session.scalars(select(AuditEvent).where(AuditEvent.action == records.VIEWED)).all()
            == []
        )
