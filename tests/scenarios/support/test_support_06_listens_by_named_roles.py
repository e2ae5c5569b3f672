"""support-06: only named staff roles listen to call recordings, and each listen is logged.
The phone system reports each listen by webhook; one by a role the data map does not name is a
finding at once. In Dataward's console the recordings open only for those roles."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from access.web import api_token, app_client
from scenarios.register import csrf_of, findings_of, register_rows, signed_in_client

from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime
from dataward.examples.contents import GeneratedExample, build_example


@pytest.fixture(scope="module")
def support(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("support", tmp_path_factory.mktemp("support-06"), people=40)


def test_support_06_each_listen_is_logged_and_an_unnamed_role_is_a_finding(
    support: GeneratedExample, runtime: Runtime, staff_account: Any
) -> None:
    manager = staff_account(Role.STAFF, job_roles=("support_manager",))
    signed_in_client(runtime, support, manager)  # the app applies the example's data map
    client = app_client(runtime)  # the phone system: no console session, only its token
    phone_system = api_token(runtime, "phone-system")
    listens = [
        {"event_id": "L-1", "engineer": "agent-03", "role": "Quality lead",
         "started_at": "2026-03-02T10:00:00Z", "system": "recordings", "collection": "calls"},
        {"event_id": "L-2", "engineer": "agent-05", "role": "agent",
         "started_at": "2026-03-02T10:05:00Z", "system": "recordings", "collection": "calls"},
    ]  # fmt: skip
    answer = client.post("/api/v1/access-events", headers=phone_system, json={"events": listens})
    assert answer.status_code == 200, answer.text
    assert [e["findings"] for e in answer.json()["events"]] == [[], ["role-not-named"]]
    logged = register_rows(runtime, "phone-system")
    assert [(e.kind, e.role) for e in logged] == [
        ("recording_listen", "quality_lead"),
        ("recording_listen", "agent"),
    ]


def test_support_06_the_console_opens_recordings_only_for_the_named_roles(
    support: GeneratedExample, runtime: Runtime, staff_account: Any
) -> None:
    asked = {"email": "caller@example.com", "system": "recordings", "collection": "calls"}
    agent = signed_in_client(runtime, support, staff_account(Role.STAFF, job_roles=("agent",)))
    form = agent.get("/console/records?" + urlencode(asked))
    assert form.status_code == 200 and "support_manager, quality_lead" in form.text
    refused = agent.post(
        "/console/records", data={**asked, "reason": "training", "csrf_token": csrf_of(form.text)}
    )
    assert refused.status_code == 403
    lead = signed_in_client(
        runtime, support, staff_account(Role.STAFF, job_roles=("quality_lead",))
    )
    form = lead.get("/console/records?" + urlencode(asked))
    allowed = lead.post(
        "/console/records",
        data={**asked, "reason": "quality review", "csrf_token": csrf_of(form.text)},
    )
    assert allowed.status_code == 303
    assert lead.get(allowed.headers["location"]).status_code == 200
    views = register_rows(runtime, "dataward")
    assert [(v.role, findings_of(runtime, v.id)) for v in views] == [
        ("agent", ["role-not-named"]),
        ("quality_lead", []),
    ]
