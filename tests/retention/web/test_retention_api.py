"""The retention API: holds, sweeps queued as jobs and their evidence, reviews, forecast."""

from __future__ import annotations

from datetime import date

from evidence_web import Console
from sqlalchemy import select

from dataward.core import jobs
from dataward.domains import job_handlers
from dataward.retention import reviews
from dataward.retention.models import LegalHold
from retention import source


def _run_jobs(console: Console) -> int:
    return jobs.run_until_idle(console.runtime, handlers=job_handlers())


def test_a_sweep_queued_through_the_api_runs_and_its_run_lists_its_evidence(
    console: Console,
) -> None:
    client = console.client()
    queued = client.post("/api/v1/retention/runs", headers=console.api("dpo"))
    assert queued.status_code == 202, queued.text
    job = queued.json()["job"]
    assert queued.json()["state"] == "queued"
    assert client.get("/api/v1/retention/runs", headers=console.api("dpo")).json() == []

    assert _run_jobs(console) == 1
    with console.runtime.transaction() as session:
        queued_job = session.get(jobs.Job, job)
        assert queued_job is not None and queued_job.state == jobs.JobState.DONE
    assert source.keys(console.helpdesk, source.calls) == {("leeds", 1), ("leeds", 2)}

    runs = client.get("/api/v1/retention/runs", headers=console.api("auditor")).json()
    assert len(runs) == 1
    run = runs[0]
    assert (run["status"], run["acted"], run["system"]) == ("completed", 6, None)
    assert run["actor"].startswith("token:")

    brief = client.get(f"/api/v1/retention/runs/{run['id']}", headers=console.api("auditor"))
    assert all(b["key_digests"] == [] and b["verified"] for b in brief.json()["batches"])
    detail = client.get(
        f"/api/v1/retention/runs/{run['id']}?digests=true", headers=console.api("auditor")
    )
    assert detail.status_code == 200
    evidence = detail.json()
    calls = [b for b in evidence["batches"] if b["collection"] == "calls"]
    assert [(b["count"], b["verified"], len(b["key_digests"])) for b in calls] == [(2, True, 2)]
    assert all(b["audit_sequence"] for b in evidence["batches"])
    assert {c["collection"]: c["acted"] for c in evidence["collections"]} == {
        "tickets": 2,
        "customers": 1,
        "enquiries": 1,
        "calls": 2,
    }


def test_only_roles_that_act_on_retention_may_queue_a_sweep(console: Console) -> None:
    client = console.client()
    for role in ("staff", "auditor"):
        refused = client.post("/api/v1/retention/runs", headers=console.api(role))
        assert refused.status_code == 403, role
        assert refused.json()["error"]["type"] == "Forbidden"
    assert client.post("/api/v1/retention/runs").status_code == 401
    # Asking for more than a page at once is refused, not served.
    huge = client.get("/api/v1/retention/runs?limit=1000000", headers=console.api("auditor"))
    assert huge.status_code == 422
    assert client.get("/api/v1/retention/runs").status_code == 401
    assert _run_jobs(console) == 0


def test_a_sweep_of_an_unknown_system_is_refused_before_anything_is_queued(
    console: Console,
) -> None:
    answer = console.client().post(
        "/api/v1/retention/runs", json={"system": "nowhere"}, headers=console.api("admin")
    )
    assert answer.status_code == 422, answer.text
    assert "nowhere" in answer.json()["error"]["message"]
    assert _run_jobs(console) == 0


def test_a_missing_run_is_a_404_in_the_one_error_shape(console: Console) -> None:
    answer = console.client().get("/api/v1/retention/runs/999", headers=console.api("dpo"))
    assert answer.status_code == 404
    assert answer.json()["error"]["type"] == "NotFound"


def test_holds_placed_and_released_through_the_api_hide_their_reason_from_the_auditor(
    console: Console,
) -> None:
    client = console.client()
    placed = client.post(
        "/api/v1/holds",
        json={
            "scope": "person",
            "email": "claimant@example.com",
            "reason": "Claim 2026/14 by Ms Jones",
            "review_on": "2026-03-01",
        },
        headers=console.api("dpo"),
    )
    assert placed.status_code == 201, placed.text
    hold = placed.json()
    assert (hold["reason"], hold["due_for_review"]) == ("Claim 2026/14 by Ms Jones", True)
    assert hold["person"] is not None

    seen = client.get("/api/v1/holds", headers=console.api("auditor")).json()
    assert [(h["id"], h["reason"], h["person"], h["target"]) for h in seen] == [
        (hold["id"], None, None, "person (email)")
    ]
    staff_view = client.get("/api/v1/holds", headers=console.api("staff")).json()
    assert staff_view[0]["reason"] == "Claim 2026/14 by Ms Jones"
    # The stored reason is sealed: the database alone does not say it.
    with console.runtime.transaction() as session:
        stored = session.scalar(select(LegalHold.reason))
    assert stored is not None and "Jones" not in stored

    refused = client.post(
        f"/api/v1/holds/{hold['id']}/release",
        json={"reason": "settled"},
        headers=console.api("auditor"),
    )
    assert refused.status_code == 403
    released = client.post(
        f"/api/v1/holds/{hold['id']}/release",
        json={"reason": "Claim settled"},
        headers=console.api("admin"),
    )
    assert released.status_code == 200, released.text
    assert released.json()["release_reason"] == "Claim settled"
    assert client.get("/api/v1/holds", headers=console.api("dpo")).json() == []
    every = client.get("/api/v1/holds?include_released=true", headers=console.api("dpo")).json()
    assert every[0]["released_by"].startswith("token:")


def test_a_hold_on_a_record_names_a_real_collection_and_hides_its_key_from_the_auditor(
    console: Console,
) -> None:
    client = console.client()
    wrong = client.post(
        "/api/v1/holds",
        json={
            "scope": "record",
            "system": "helpdesk",
            "collection": "nope",
            "key": "1",
            "reason": "x",
        },
        headers=console.api("dpo"),
    )
    assert wrong.status_code == 422
    assert "no collection 'nope'" in wrong.json()["error"]["message"]
    placed = client.post(
        "/api/v1/holds",
        json={
            "scope": "record",
            "system": "helpdesk",
            "collection": "calls",
            "key": "bath,1",
            "reason": "dispute",
        },
        headers=console.api("dpo"),
    )
    assert placed.status_code == 201, placed.text
    seen = client.get("/api/v1/holds", headers=console.api("auditor")).json()
    assert (seen[0]["record_key"], seen[0]["target"]) == (None, "helpdesk/calls/(a record)")


def test_a_hold_without_a_reason_or_with_control_characters_is_refused(console: Console) -> None:
    client = console.client()
    for reason in ("", "   ", "bell\x07"):
        answer = client.post(
            "/api/v1/holds",
            json={
                "scope": "collection",
                "system": "helpdesk",
                "collection": "calls",
                "reason": reason,
            },
            headers=console.api("dpo"),
        )
        assert answer.status_code in (400, 422), reason
    assert client.get("/api/v1/holds", headers=console.api("dpo")).json() == []


def test_review_tasks_are_listed_and_resolved_with_a_sealed_note(console: Console) -> None:
    with console.runtime.transaction() as session:
        task = reviews.raise_review(
            session=session,
            clock=console.runtime.clock,
            actor="system:retention",
            rule="tickets-while-relevant",
            system="helpdesk",
            collection="tickets",
            count=4,
            cutoff=date(2024, 3, 2),
        )
        task_id = task.id
    client = console.client()
    listed = client.get("/api/v1/retention/reviews", headers=console.api("auditor")).json()
    assert [(t["id"], t["count"], t["status"]) for t in listed] == [(task_id, 4, "open")]
    assert (
        client.post(
            f"/api/v1/retention/reviews/{task_id}/resolve",
            json={"note": "kept"},
            headers=console.api("staff"),
        ).status_code
        == 403
    )
    resolved = client.post(
        f"/api/v1/retention/reviews/{task_id}/resolve",
        json={"note": "Tickets of Mr Smith kept for his complaint"},
        headers=console.api("dpo"),
    )
    assert resolved.status_code == 200, resolved.text
    assert resolved.json()["status"] == "resolved"
    assert client.get("/api/v1/retention/reviews", headers=console.api("dpo")).json() == []
    every = client.get(
        "/api/v1/retention/reviews?include_resolved=true", headers=console.api("auditor")
    ).json()
    assert every[0]["resolution"] is None
    again = client.post(
        f"/api/v1/retention/reviews/{task_id}/resolve",
        json={"note": "again"},
        headers=console.api("dpo"),
    )
    assert again.status_code == 422


def test_the_forecast_counts_the_helpdesk_rows_month_by_month(console: Console) -> None:
    answer = console.client().get(
        "/api/v1/retention/forecast?months=3", headers=console.api("auditor")
    )
    assert answer.status_code == 200, answer.text
    forecast = answer.json()
    assert forecast["months"] == ["2026-03", "2026-04", "2026-05"]
    # Due now: what a sweep today removes (6 rows, see the sweep test above).
    assert forecast["due_now"] == 6
    calls = next(r for r in forecast["rows"] if r["collection"] == "calls")
    # bath/1 and bath/2 are past their 3 months today; leeds/1 (2 December) goes in March,
    # leeds/2 (1 February) in May.
    assert (calls["due_now"], calls["by_month"]) == (2, [1, 0, 1])
    assert forecast["totals_by_month"] == [2, 0, 1]


def test_without_a_configured_policy_the_forecast_says_what_to_set(console: Console) -> None:
    console.runtime.settings.policy = None
    answer = console.client().get("/api/v1/retention/forecast", headers=console.api("dpo"))
    assert answer.status_code in (400, 500)
    assert "DATAWARD_POLICY" in answer.json()["error"]["fix"]
