"""S-12: every staff access to personal data is logged in the tamper-evident audit log. Each
time the console or the API shows a person's records, the product writes who looked, at which
collection and whose records (by keyed hash, never the address) before reading them; the test
reads those events back from the log, and `audit verify` holds."""

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
from dataward.core.runtime import Runtime
from dataward.examples.contents import GeneratedExample, build_example


@pytest.fixture(scope="module")
def voip(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("voip", tmp_path_factory.mktemp("s-12"), people=30)


def test_s_12_each_staff_view_of_a_persons_records_is_in_the_audit_log(
    voip: GeneratedExample, runtime: Runtime, staff_account: Any
) -> None:
    engine = create_engine(voip.environment["VOIP_CRM_URL"])
    with engine.connect() as connection:
        email = connection.execute(
            text("SELECT email FROM customers WHERE email IS NOT NULL ORDER BY id LIMIT 1")
        ).scalar_one()
    engine.dispose()
    account = staff_account(Role.STAFF)
    client = signed_in_client(runtime, voip, account)
    asked = {"email": email, "system": "crm", "collection": "customers"}
    page = client.get("/console/records?" + urlencode(asked))
    assert page.status_code == 200 and email in page.text
    api = client.get("/api/v1/records", params={**asked, "collection": "services"})
    assert api.status_code == 200

    keyring = Keyring.from_settings(runtime.settings)
    with runtime.transaction() as session:
        person = keyring.attached(session).identifier_hash("email", email)
        viewed = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == records.VIEWED)
                .order_by(AuditEvent.sequence)
            )
        )
    assert [(e.actor, e.object_id, e.details["person"]) for e in viewed] == [
        (f"user:{account.id}", "crm.customers", person),
        (f"user:{account.id}", "crm.services", person),
    ]
    assert all(email not in str(e.details) for e in viewed)

    from dataward.audit.verify import verify

    with runtime.transaction() as session:
        assert verify(session=session).ok
