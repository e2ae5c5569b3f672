"""voip-08: complaints are stored against the account and seen only by the roles that need
them. In the console and the API, `crm.complaints` opens only for a complaints officer or the
customer services manager, with a reason, recorded before it is shown; anyone else is refused,
and the refusal is recorded with its finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from scenarios.register import csrf_of, findings_of, register_rows, signed_in_client
from sqlalchemy import create_engine, text

from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime
from dataward.examples.contents import GeneratedExample, build_example


@pytest.fixture(scope="module")
def voip(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("voip", tmp_path_factory.mktemp("voip-08"), people=40)


def a_complainant(voip: GeneratedExample) -> tuple[str, list[str]]:
    """A customer with complaints, and their complaints' summaries, read from the CRM itself."""
    engine = create_engine(voip.environment["VOIP_CRM_URL"])
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT c.email, k.summary FROM complaints k JOIN customers c "
                "ON c.id = k.customer_id WHERE c.email IS NOT NULL ORDER BY c.id"
            )
        ).all()
    engine.dispose()
    email = rows[0][0]
    return email, [summary for address, summary in rows if address == email]


def test_voip_08_a_complaints_officer_opens_complaints_with_a_reason_recorded_first(
    voip: GeneratedExample, runtime: Runtime, staff_account: Any
) -> None:
    email, summaries = a_complainant(voip)
    officer = staff_account(Role.STAFF, job_roles=("complaints_officer",))
    client = signed_in_client(runtime, voip, officer)
    asked = {"email": email, "system": "crm", "collection": "complaints"}
    form = client.get("/console/records?" + urlencode(asked))
    assert form.status_code == 200 and 'name="reason"' in form.text
    assert summaries[0] not in form.text  # nothing is shown before the reason

    posted = client.post(
        "/console/records",
        data={
            **asked,
            "reason": "complaint about the March outage",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert posted.status_code == 303
    (view,) = register_rows(runtime, "dataward")  # recorded before the records are shown
    assert (view.kind, view.role, view.system, view.collection) == (
        "restricted_view", "complaints_officer", "crm", "complaints",
    )  # fmt: skip
    assert findings_of(runtime, view.id) == []
    shown = client.get(posted.headers["location"])
    assert shown.status_code == 200
    assert all(summary in shown.text for summary in summaries)

    api = client.get("/api/v1/records", params={**asked, "reason": "checking the resolution"})
    assert api.status_code == 200
    assert sorted(r["fields"]["summary"] for r in api.json()["records"]) == sorted(summaries)
    assert len(register_rows(runtime, "dataward")) == 2


def test_voip_08_anyone_else_is_refused_and_the_attempt_is_recorded(
    voip: GeneratedExample, runtime: Runtime, staff_account: Any
) -> None:
    email, summaries = a_complainant(voip)
    agent = staff_account(Role.STAFF, job_roles=("sales",))
    client = signed_in_client(runtime, voip, agent)
    asked = {"email": email, "system": "crm", "collection": "complaints"}
    form = client.get("/console/records?" + urlencode(asked))
    refused = client.post(
        "/console/records",
        data={**asked, "reason": "curious", "csrf_token": csrf_of(form.text)},
    )
    assert refused.status_code == 403
    assert not any(summary in refused.text for summary in summaries)
    # A grant cannot be forged or borrowed: the GET without one asks for a reason again.
    again = client.get("/console/records?" + urlencode({**asked, "grant": "forged"}))
    assert again.status_code == 200 and not any(s in again.text for s in summaries)

    api = client.get("/api/v1/records", params={**asked, "reason": "curious"})
    assert api.status_code == 403 and api.json()["error"]["type"] == "Forbidden"
    views = register_rows(runtime, "dataward")
    assert [(v.role, findings_of(runtime, v.id)) for v in views] == [
        ("sales", ["role-not-named"]),
        ("sales", ["role-not-named"]),
    ]
    unrestricted = client.get("/api/v1/records", params={**asked, "collection": "customers"})
    assert unrestricted.status_code == 200 and unrestricted.json()["records"]


def test_voip_08_a_staff_api_token_holds_no_job_role_and_is_refused(
    voip: GeneratedExample, runtime: Runtime, staff_account: Any, tmp_path: Path
) -> None:
    from access.web import api_token

    email, _ = a_complainant(voip)
    officer = staff_account(Role.STAFF, job_roles=("complaints_officer",))
    client = signed_in_client(runtime, voip, officer)
    client.cookies.clear()
    headers = api_token(runtime, "reporting", Role.STAFF)
    asked = {"email": email, "system": "crm", "collection": "complaints", "reason": "report"}
    answer = client.get("/api/v1/records", params=asked, headers=headers)
    assert answer.status_code == 403
    (view,) = register_rows(runtime, "dataward")
    assert findings_of(runtime, view.id) == ["role-not-named"]
