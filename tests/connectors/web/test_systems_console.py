"""Systems and their last connection test: "Test now" runs `systems test` and keeps the
result in the audit log, where the list reads the latest."""

from __future__ import annotations

import pytest
from evidence_web import Console


def test_test_now_records_each_result_and_the_list_shows_the_latest(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = console.client()
    staff = console.api("staff")
    listed = client.get("/api/v1/systems", headers=staff).json()
    assert [(s["name"], s["kind"], s["collections"], s["last_test"]) for s in listed] == [
        ("helpdesk", "sql", 4, None)
    ]
    reached = client.post("/api/v1/systems/helpdesk/test", headers=staff)
    assert reached.status_code == 200, reached.text
    assert reached.json()["status"] == "ok"

    # The helpdesk's table goes missing: the next test fails, and says so.
    from sqlalchemy import text

    with console.helpdesk.begin() as connection:
        connection.execute(text("DROP TABLE calls"))
    failed = client.post("/api/v1/systems/helpdesk/test", headers=staff).json()
    assert failed["status"] == "failed" and "calls" in failed["error"]

    latest = client.get("/api/v1/systems", headers=console.api("auditor")).json()[0]["last_test"]
    assert latest["status"] == "failed" and latest["by"].startswith("token:")
    page = console.browser("auditor").get("/console/data-map/systems")
    assert page.status_code == 200
    assert "failed" in page.text and "Test helpdesk now" in page.text


def test_an_unknown_system_is_a_404_and_nothing_is_recorded(console: Console) -> None:
    client = console.client()
    answer = client.post("/api/v1/systems/nowhere/test", headers=console.api("dpo"))
    assert answer.status_code == 404
    assert "helpdesk" in answer.json()["error"]["fix"]
    events = client.get(
        "/api/v1/audit/events?action=systems.tested", headers=console.api("dpo")
    ).json()
    assert events["events"] == []


def test_the_console_test_now_button_posts_and_comes_back_to_the_list(console: Console) -> None:
    staff = console.browser("staff")
    done = console.post_form(
        staff, "/console/data-map/systems", "/console/data-map/systems/helpdesk/test", {}
    )
    assert done.status_code == 303
    assert "reached" in staff.get(done.headers["location"]).text
    assert console.client().get("/console/data-map/systems").status_code == 303
