"""In Chromium: a complaints officer gives a reason and sees a customer's complaints; the
lookup, reason and records pages pass an axe accessibility check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from browser import LiveApp, StaffAccount
from sqlalchemy import create_engine, text

from access.web import configured
from dataward.accounts.roles import Role
from dataward.examples.catalogue import policy_path
from dataward.examples.contents import GeneratedExample, build_example


@pytest.fixture(scope="module")
def voip(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("voip", tmp_path_factory.mktemp("voip-browser"), people=20)


def _axe_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [v["id"] for v in results.response["violations"]]


def test_a_complaints_officer_opens_complaints_by_keyboard(
    live_app: LiveApp,
    browser_page: Any,
    staff_account: Callable[..., StaffAccount],
    voip: GeneratedExample,
) -> None:
    configured(live_app.runtime, policy_path("voip"), voip.out / "systems.env")
    engine = create_engine(voip.environment["VOIP_CRM_URL"])
    with engine.connect() as connection:
        email, summary = connection.execute(
            text(
                "SELECT c.email, k.summary FROM complaints k JOIN customers c "
                "ON c.id = k.customer_id WHERE c.email IS NOT NULL ORDER BY k.id LIMIT 1"
            )
        ).one()
    engine.dispose()
    officer = staff_account(Role.STAFF, job_roles=("complaints_officer",))
    page = browser_page
    page.goto(f"{live_app.url}/console/sign-in")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill(officer.password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_app.url}/console")

    asked = {"email": email, "system": "crm", "collection": "complaints"}
    page.goto(f"{live_app.url}/console/records?{urlencode(asked)}")
    assert _axe_violations(page) == []
    assert summary not in page.content()
    page.get_by_label("Reason").fill("complaint about a missed call-back")
    page.get_by_role("button", name="Open the records").click()
    page.wait_for_load_state()
    assert summary in page.content()
    assert _axe_violations(page) == []

    page.goto(f"{live_app.url}/console/records")  # the lookup form
    assert page.get_by_label("Email address").is_visible()
    assert page.get_by_label("or phone number").is_visible()
    assert _axe_violations(page) == []
