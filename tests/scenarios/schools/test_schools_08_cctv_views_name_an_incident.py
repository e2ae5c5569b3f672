"""schools-08: CCTV footage is used only for a specific incident: each view or export the
recorder reports must name the incident and be made by a role the data map names; a view
without one, or by another role, is a finding the moment it arrives."""

from __future__ import annotations

from typing import Any

import pytest
from access.web import api_token, app_client
from scenarios.register import register_rows, signed_in_client

from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime
from dataward.examples.contents import GeneratedExample, build_example


@pytest.fixture(scope="module")
def schools(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("schools", tmp_path_factory.mktemp("schools-08"), people=30)


def test_schools_08_a_cctv_view_must_name_an_incident(
    schools: GeneratedExample, runtime: Runtime, staff_account: Any
) -> None:
    director = staff_account(Role.DPO, job_roles=("director",))
    dpo = signed_in_client(runtime, schools, director)
    client = app_client(runtime)  # the recorder: no console session, only its token
    recorder = api_token(runtime, "cctv-recorder")
    views = [
        {"event_id": "V-1", "engineer": "Office manager", "role": "office_manager",
         "incident": "INC-2026-004 car park damage", "started_at": "2026-03-01T08:00:00Z",
         "device": "camera-2"},
        {"event_id": "V-2", "engineer": "Office manager", "role": "office_manager",
         "started_at": "2026-03-01T09:00:00Z", "device": "camera-2"},
        {"event_id": "V-3", "kind": "cctv_export", "engineer": "Teacher", "role": "teacher",
         "incident": "INC-2026-004 car park damage", "started_at": "2026-03-01T10:00:00Z",
         "device": "camera-2"},
    ]  # fmt: skip
    answer = client.post("/api/v1/access-events", headers=recorder, json={"events": views})
    assert answer.status_code == 200, answer.text
    assert [e["findings"] for e in answer.json()["events"]] == [
        [], ["no-incident"], ["role-not-named"],
    ]  # fmt: skip
    rows = register_rows(runtime, "cctv-recorder")
    assert [(r.kind, r.incident) for r in rows] == [
        ("cctv_view", "INC-2026-004 car park damage"),
        ("cctv_view", None),
        ("cctv_export", "INC-2026-004 car park damage"),
    ]

    report = dpo.get(
        "/api/v1/access-events/report",
        params={"device": "camera-2", "from": "2026-03-01", "to": "2026-03-01"},
    )
    assert [e["findings"] for e in report.json()["events"]] == [
        [], ["cctv view names no incident"],
        ["cctv export by role teacher (allowed: director, office_manager)"],
    ]  # fmt: skip
    page = dpo.get("/console/access")
    assert page.status_code == 200 and "cctv view names no incident" in page.text
