"""The console's audit log and its API: filters, keyset pages, and "Verify now" against an
event someone altered in the database."""

from __future__ import annotations

import re

from evidence_web import Console
from sqlalchemy import update

from dataward.audit import service as audit
from dataward.audit.models import AuditEvent


def _make_events(console: Console, count: int) -> None:
    """Real events: holds placed and released through the API."""
    client = console.client()
    for number in range(count):
        client.post(
            "/api/v1/holds",
            json={
                "scope": "collection",
                "system": "helpdesk",
                "collection": "calls",
                "reason": f"case {number}",
            },
            headers=console.api("dpo"),
        ).raise_for_status()


def _alter(console: Console, sequence: int) -> None:
    """What someone with write access to the database could do: rewrite an event."""
    with console.runtime.engine.begin() as connection:
        connection.execute(
            update(AuditEvent).where(AuditEvent.sequence == sequence).values(actor="user:999")
        )


def test_verify_now_in_the_console_names_the_event_altered_in_the_database(
    console: Console,
) -> None:
    _make_events(console, 3)
    auditor = console.browser("auditor")
    intact = console.post_form(auditor, "/console/audit", "/console/audit/verify", {})
    assert intact.status_code == 303
    page = auditor.get(intact.headers["location"]).text
    assert "The chain is intact up to event" in page

    with console.runtime.transaction() as session:
        head = audit.chain_head(session)
    assert head is not None
    target = head.sequence - 2
    _alter(console, target)
    answer = console.post_form(auditor, "/console/audit", "/console/audit/verify", {})
    assert answer.status_code == 303
    page = auditor.get(answer.headers["location"]).text
    assert "The audit log has been tampered with" in page
    assert f"event {target}" in page

    api = console.client().post("/api/v1/audit/verify", headers=console.api("auditor")).json()
    assert api["ok"] is False
    assert api["problem"]["sequence"] == target
    assert api["events_verified"] == target - 1


def test_a_verification_result_cannot_be_forged_in_the_address(console: Console) -> None:
    auditor = console.browser("auditor")
    forged = auditor.get("/console/audit/verified?result=eyJvayI6dHJ1ZX0")
    assert forged.status_code == 303
    assert forged.headers["location"] == "/console/audit#verify"


def test_an_intact_verification_is_recorded_and_shown_on_the_dashboard(console: Console) -> None:
    _make_events(console, 1)
    client = console.client()
    verified = client.post("/api/v1/audit/verify", headers=console.api("auditor")).json()
    assert verified["ok"] is True and verified["problem"] is None
    status = client.get("/api/v1/audit/status", headers=console.api("auditor")).json()
    assert status["last_verified_by"].startswith("token:")
    assert status["last_verified_up_to"] == verified["last_sequence"]
    dashboard = console.browser("auditor").get("/console").text
    assert "Last verified intact 2026-03-02 10:00" in dashboard


def test_the_log_pages_by_sequence_and_filters_by_action_actor_and_object(
    console: Console,
) -> None:
    _make_events(console, 6)
    client = console.client()
    headers = console.api("auditor")
    everything = client.get("/api/v1/audit/events?limit=500", headers=headers).json()
    sequences = [e["sequence"] for e in everything["events"]]
    assert sequences == sorted(sequences, reverse=True) and everything["older"] is None

    first = client.get("/api/v1/audit/events?limit=4", headers=headers).json()
    second = client.get(
        f"/api/v1/audit/events?limit=4&before={first['older']}", headers=headers
    ).json()
    assert [e["sequence"] for e in first["events"] + second["events"]] == sequences[:8]

    placed = client.get(
        "/api/v1/audit/events?action=retention.hold.placed", headers=headers
    ).json()["events"]
    assert len(placed) == 6
    assert {e["actor"] for e in placed} == {placed[0]["actor"]}
    third = placed[3]["object_id"]  # newest first: the third of the six holds
    by_actor = client.get(
        f"/api/v1/audit/events?actor={placed[0]['actor']}&object_type=legal_hold&object_id={third}",
        headers=headers,
    ).json()["events"]
    assert [(e["action"], e["object_id"]) for e in by_actor] == [("retention.hold.placed", third)]
    # The audit log keeps the reason's digest, never the reason.
    assert "case 2" not in str(everything)
    later = client.get("/api/v1/audit/events?since=2026-03-03", headers=headers).json()
    assert later["events"] == []
    # More than a page at once is refused, not served.
    too_many = client.get("/api/v1/audit/events?limit=100000", headers=headers)
    assert too_many.status_code == 422


def test_the_console_log_filters_and_links_to_older_events(console: Console) -> None:
    _make_events(console, 3)
    with console.runtime.transaction() as session:
        # More than a page of the log: what a busy day of sign-ins writes.
        for number in range(60):
            audit.record(
                session=session,
                clock=console.runtime.clock,
                actor=f"user:{number}",
                action="accounts.signed_in",
                object_type="staff_user",
                object_id=str(number),
            )
    auditor = console.browser("auditor")
    page = auditor.get("/console/audit?action=retention.hold")
    assert page.status_code == 200
    rows = re.findall(r"<td>retention\.hold\.placed</td>", page.text)
    assert len(rows) == 3
    assert "accounts.signed_in" not in page.text
    first = auditor.get("/console/audit")
    older = re.search(r'href="(/console/audit\?before=\d+)"', first.text)
    assert older, "no link to older events"
    second = auditor.get(older.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and "Newest events" in second.text
    bad = auditor.get("/console/audit?since=yesterday")
    assert bad.status_code == 422 and 'id="filter-since-error"' in bad.text


def test_the_audit_log_is_for_auditors_dpos_and_admins_only(console: Console) -> None:
    client = console.client()
    assert client.get("/api/v1/audit/events", headers=console.api("staff")).status_code == 403
    assert client.post("/api/v1/audit/verify", headers=console.api("staff")).status_code == 403
    assert client.get("/api/v1/audit/events").status_code == 401
    assert client.get("/api/v1/audit/events", headers=console.api("dpo")).status_code == 200
    staff = console.browser("staff")
    assert staff.get("/console/audit").status_code == 403
    assert "Audit log" not in staff.get("/console").text
