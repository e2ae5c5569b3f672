"""A dpo in a real browser: signs in with a TOTP code, approves an erasure on the request's
page and sees it in the timeline and the audit log; refuses another and gets the letter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from browser import LiveApp, StaffAccount
from sqlalchemy import select

from dataward.accounts.roles import Role
from dataward.audit.models import AuditEvent
from dataward.rights.models import RequestKind

from ..kestrel import BOB
from .conftest import Desk, opened


def _serious_violations(page: Any) -> list[str]:
    """What axe-core finds serious or critical on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [v["id"] for v in found if v["impact"] in ("serious", "critical")]


def _sign_in(page: Any, app: LiveApp, account: StaffAccount, target: str) -> None:
    page.goto(f"{app.url}{target}")  # not signed in: the sign-in page, then back here
    page.get_by_label("Email address").fill(account.email)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("6-digit code").fill(account.code(app.runtime))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{app.url}{target}")


def test_a_dpo_approves_an_erasure_and_sees_it_in_the_timeline_and_audit_log(
    desk: Desk,
    live_app: LiveApp,
    browser_page: Any,
    staff_account: Callable[..., StaffAccount],
) -> None:
    reference = opened(desk, kind=RequestKind.ERASURE, run=True)
    dpo = staff_account(Role.DPO)
    page = browser_page
    _sign_in(page, live_app, dpo, f"/console/requests/{reference}")
    assert page.locator("#request-state").inner_text() == "awaiting review"
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"{live_app.url}/console/requests/{reference}?done=approved")
    assert page.get_by_role("status").inner_text() == "Approved: the request is completed."
    assert page.locator("#request-state").inner_text() == "completed"
    approved = page.locator("#timeline-list li", has_text="Approved and completed")
    assert f"by {dpo.name}" in approved.inner_text()
    with desk.runtime.transaction() as session:
        completed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "rights.request.completed")
        ).all()
    assert [(e.actor, e.object_id) for e in completed] == [(f"user:{dpo.id}", reference)]
    page.goto(f"{live_app.url}/console/requests")
    assert page.locator(f"a[href='/console/requests/{reference}']").is_visible()
    assert _serious_violations(page) == []


def test_a_refusal_shows_the_letter_to_send(
    desk: Desk,
    live_app: LiveApp,
    browser_page: Any,
    staff_account: Callable[..., StaffAccount],
) -> None:
    reference = opened(desk, email=BOB)
    dpo = staff_account(Role.DPO)
    page = browser_page
    _sign_in(page, live_app, dpo, f"/console/requests/{reference}")
    page.get_by_label("Why it is manifestly unfounded or excessive").fill(
        "You asked for the same data on 1 March and we answered on 2 March."
    )
    page.get_by_role("button", name="Refuse").click()
    page.wait_for_url(f"{live_app.url}/console/requests/{reference}?done=refused")
    letter = page.locator("#refusal-text").inner_text()
    assert f"We are not able to act on your request {reference}" in letter
    assert "we answered on 2 March" in letter and "Information Commissioner" in letter
