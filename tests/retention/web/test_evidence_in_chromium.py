"""In Chromium: a DPO places a hold, sweeps, reads the evidence and the forecast, verifies the
audit log; every evidence page passes axe with no serious or critical violation, and none
breaks the Content-Security-Policy (browser_page fails a test on any page error)."""

from __future__ import annotations

import re
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from browser import LiveApp
from evidence_web import Console

from dataward.core import jobs
from dataward.domains import job_handlers


def _serious(page: Any) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_dpo_works_retention_and_the_audit_log_by_keyboard_and_the_pages_pass_axe(
    console: Console, live_app: LiveApp, browser_page: Any
) -> None:
    dpo = console.make_account("dpo")
    page = browser_page
    page.goto(f"{live_app.url}/console/retention")
    page.get_by_label("Email address").fill(dpo.email)
    page.get_by_label("Password").fill(dpo.password)
    page.keyboard.press("Enter")
    page.get_by_label("6-digit code").fill(dpo.code(live_app.runtime))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_app.url}/console/retention")
    assert _serious(page) == []

    page.get_by_label("A whole collection").check()
    page.get_by_label("System (for a record or collection)").fill("helpdesk")
    page.get_by_label("Collection", exact=True).fill("enquiries")
    page.get_by_label("Why it is held").fill("Complaint 2026/3 about an enquiry")
    page.get_by_role("button", name="Place the hold").click()
    assert page.get_by_text(re.compile(r"Legal hold \d+ placed\.")).is_visible()
    assert page.get_by_text("Complaint 2026/3 about an enquiry").is_visible()

    page.get_by_role("button", name="Sweep now").click()
    assert page.get_by_text("Sweep queued as job").is_visible()
    assert jobs.run_until_idle(live_app.runtime, handlers=job_handlers()) == 1
    page.reload()
    page.get_by_role("link", name=re.compile(r"^Run \d+$")).click()
    assert page.get_by_role("heading", name=re.compile(r"^Sweep run \d+$")).is_visible()
    assert _serious(page) == []

    page.goto(f"{live_app.url}/console/retention/forecast")
    assert page.get_by_role("img", name="Records due to go, by month, from 2026-03-02").is_visible()
    assert _serious(page) == []

    page.goto(f"{live_app.url}/console/audit")
    page.get_by_role("button", name="Verify now").click()
    assert page.get_by_text("The chain is intact up to event").is_visible()
    page.goto(f"{live_app.url}/console/audit?action=retention")
    assert _serious(page) == []

    for path in (
        "/console",
        "/console/data-map",
        "/console/data-map/systems",
        "/console/data-map/notice",
    ):
        page.goto(f"{live_app.url}{path}")
        assert _serious(page) == [], path
