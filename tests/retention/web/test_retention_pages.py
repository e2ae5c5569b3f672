"""The console's retention pages, driven as a browser does: forms, redirects, who sees what."""

from __future__ import annotations

import re

import httpx
from evidence_web import Console
from fastapi.testclient import TestClient

from dataward.core import jobs
from dataward.domains import job_handlers
from retention import source

XSS = '<script>alert("held")</script><img src=x onerror=alert(1)>'


def _said(answer: httpx.Response, what: str) -> int:
    """The id a redirect after a form names (ids are not reset between tests on PostgreSQL)."""
    found = re.search(rf"said={what}-(\d+)", answer.headers["location"])
    assert found, answer.headers.get("location")
    return int(found.group(1))


def _last_run(console: Console) -> int:
    runs = console.client().get("/api/v1/retention/runs", headers=console.api("auditor")).json()
    return int(runs[0]["id"])


def _place(console: Console, browser: TestClient, **form: str) -> httpx.Response:
    return console.post_form(browser, "/console/retention", "/console/retention/holds", form)


def test_a_hold_placed_in_the_console_keeps_the_held_record_from_the_next_sweep(
    console: Console,
) -> None:
    dpo = console.browser("dpo")
    placed = _place(
        console,
        dpo,
        scope="record",
        system="helpdesk",
        collection="calls",
        key="bath,1",
        reason="Dispute about the call of 30 November",
        review_on="",
    )
    assert placed.status_code == 303, placed.text
    page = dpo.get(placed.headers["location"])
    assert f"Legal hold {_said(placed, 'hold-placed')} placed." in page.text
    assert "helpdesk/calls/bath,1" in page.text

    swept = console.post_form(dpo, "/console/retention", "/console/retention/sweep", {})
    assert swept.status_code == 303
    assert jobs.run_until_idle(console.runtime, handlers=job_handlers()) == 1
    # bath/2 went; bath/1 passed its period too, but is held.
    assert source.keys(console.helpdesk, source.calls) == {("bath", 1), ("leeds", 1), ("leeds", 2)}

    page = dpo.get("/console/retention")
    run_link = re.search(r'href="(/console/retention/runs/\d+)"', page.text)
    assert run_link, page.text
    run = dpo.get(run_link.group(1))
    assert run.status_code == 200
    assert "helpdesk/calls" in run.text and "matches" in run.text
    assert "mismatch" not in run.text


def test_a_hold_reason_is_escaped_and_shown_only_to_roles_that_read_personal_data(
    console: Console,
) -> None:
    dpo = console.browser("dpo")
    placed = _place(
        console, dpo, scope="collection", system="helpdesk", collection="calls", reason=XSS
    )
    assert placed.status_code == 303, placed.text
    page = dpo.get("/console/retention").text
    assert "&lt;script&gt;alert(&#34;held&#34;)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<img src=x" not in page

    auditor = console.browser("auditor").get("/console/retention")
    assert auditor.status_code == 200
    assert "helpdesk/calls" in auditor.text
    assert "alert" not in auditor.text
    # Reading is all an auditor does: no form to place or release a hold.
    assert 'action="/console/retention/holds"' not in auditor.text
    assert "/release" not in auditor.text


def test_a_hold_form_with_missing_fields_comes_back_with_the_errors_beside_them(
    console: Console,
) -> None:
    dpo = console.browser("dpo")
    answer = _place(console, dpo, scope="record", system="", collection="calls", key="", reason="")
    assert answer.status_code == 422
    text = answer.text
    assert 'id="system-error"' in text and 'id="key-error"' in text and 'id="reason-error"' in text
    assert 'value="calls"' in text  # what was typed is kept

    unknown = _place(
        console, dpo, scope="collection", system="helpdesk", collection="nope", reason="x"
    )
    assert unknown.status_code == 422
    assert "no collection" in unknown.text


def test_staff_read_retention_but_cannot_act_and_anonymous_visitors_are_sent_to_sign_in(
    console: Console,
) -> None:
    staff = console.browser("staff")
    assert staff.get("/console/retention").status_code == 200
    refused = _place(
        console, staff, scope="collection", system="helpdesk", collection="calls", reason="x"
    )
    assert refused.status_code == 403
    anonymous = console.client().get("/console/retention")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/console/sign-in")


def test_a_review_task_is_resolved_from_its_form(console: Console) -> None:
    from datetime import date

    from dataward.retention import reviews

    with console.runtime.transaction() as session:
        task_id = reviews.raise_review(
            session=session,
            clock=console.runtime.clock,
            actor="system:retention",
            rule="tickets-while-relevant",
            system="helpdesk",
            collection="tickets",
            count=2,
            cutoff=date(2024, 3, 2),
        ).id
    dpo = console.browser("dpo")
    assert f"Resolve task {task_id}" in dpo.get("/console/retention").text
    done = console.post_form(
        dpo, "/console/retention", f"/console/retention/reviews/{task_id}/resolve", {"note": "kept"}
    )
    assert done.status_code == 303
    page = dpo.get(done.headers["location"]).text
    assert f"Review task {task_id} resolved." in page
    assert "No review task is open." in page


def test_the_forecast_chart_has_a_title_a_description_and_its_numbers_in_a_table(
    console: Console,
) -> None:
    auditor = console.browser("auditor")
    page = auditor.get("/console/retention/forecast")
    assert page.status_code == 200, page.text
    text = page.text
    assert re.search(
        r'<svg[^>]*role="img"[^>]*aria-labelledby="forecast-title forecast-desc"', text
    )
    assert '<title id="forecast-title">Records due to go, by month, from 2026-03-02</title>' in text
    # Due now and over the year: 6 + 6 (see the table below).
    assert '<desc id="forecast-desc">12 records are due to go' in text
    api = console.client().get("/api/v1/retention/forecast", headers=console.api("auditor")).json()
    table = re.sub(r">\s+<", "><", text[text.index("<table>") :])
    assert "<caption>Records due to go" in table
    header = "".join(f'<th scope="col">{month}</th>' for month in api["months"])
    assert f'<th scope="col">Due now</th>{header}</tr>' in table
    totals = "".join(f"<td>{n}</td>" for n in api["totals_by_month"])
    assert (
        f'<th scope="row">All rules</th><td></td><td></td><td>{api["due_now"]}</td>{totals}'
        in table
    )


def test_the_dashboard_shows_the_last_sweep_reviews_and_holds(console: Console) -> None:
    dpo = console.browser("dpo")
    assert "No retention sweep has run yet." in dpo.get("/console").text
    _place(
        console,
        dpo,
        scope="collection",
        system="helpdesk",
        collection="enquiries",
        reason="x",
        review_on="2026-03-01",
    )
    console.post_form(dpo, "/console/retention", "/console/retention/sweep", {})
    jobs.run_until_idle(console.runtime, handlers=job_handlers())
    page = dpo.get("/console").text
    run = _last_run(console)
    shown = rf"run {run}</a>,\s*2026-03-02 10:00 \(completed\);\s*5 records deleted"
    assert re.search(shown, page), page
    assert "0 open review tasks" in page
    assert "1 legal hold</a>" in page and "1 due for review" in page


def test_a_release_without_a_reason_is_refused_beside_its_form_and_the_hold_stays(
    console: Console,
) -> None:
    dpo = console.browser("dpo")
    placed = _place(
        console, dpo, scope="collection", system="helpdesk", collection="calls", reason="x"
    )
    hold = _said(placed, "hold-placed")
    release = f"/console/retention/holds/{hold}/release"
    refused = console.post_form(dpo, "/console/retention", release, {"reason": "  "})
    assert refused.status_code == 422
    assert f'id="release-{hold}-error"' in refused.text
    api = console.client().get("/api/v1/holds", headers=console.api("dpo")).json()
    assert [h["id"] for h in api] == [hold]
    released = console.post_form(dpo, "/console/retention", release, {"reason": "settled"})
    assert released.status_code == 303
    assert console.client().get("/api/v1/holds", headers=console.api("dpo")).json() == []


def test_a_large_batch_shows_its_first_digests_and_says_where_the_rest_are(
    console: Console,
) -> None:
    from datetime import datetime

    source.load(
        console.helpdesk,
        source.calls,
        [
            {"site": "york", "number": n, "recorded_at": datetime(2025, 1, 1, 9, 0)}
            for n in range(150)
        ],
    )
    dpo = console.browser("dpo")
    console.post_form(dpo, "/console/retention", "/console/retention/sweep", {})
    jobs.run_until_idle(console.runtime, handlers=job_handlers())
    run = _last_run(console)
    page = dpo.get(f"/console/retention/runs/{run}").text
    assert "152 key digests of batch 1" in page
    assert page.count("<li><code>") == 100 + 2 + 1 + 1  # calls, tickets, enquiries, customers
    assert "and 52 more" in page
    full = (
        console.client()
        .get(f"/api/v1/retention/runs/{run}?digests=true", headers=console.api("auditor"))
        .json()
    )
    calls = next(b for b in full["batches"] if b["collection"] == "calls")
    assert len(calls["key_digests"]) == 152
