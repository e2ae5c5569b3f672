"""In Chromium: a person complains through the privacy centre with the keyboard alone, and a
complaints officer reads it in the console; both pages pass axe's accessibility rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from browser import LiveApp, StaffAccount
from disclosures.web_runtime import example, runtime_for
from sqlalchemy import Engine

from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime

SERIOUS = ("serious", "critical")


@pytest.fixture
def runtime(engine: Engine, tmp_path: Path) -> Iterator[Runtime]:
    yield from runtime_for(
        engine, tmp_path / "home", example("voip"), datetime(2026, 7, 1, 9, tzinfo=UTC)
    )


def _no_serious_violations(page: Any) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [v["id"] for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert serious == [], serious


def test_a_complaint_made_by_keyboard_is_read_by_the_complaints_officer(
    live_app: LiveApp, browser_page: Any, staff_account: Callable[..., StaffAccount]
) -> None:
    page = browser_page
    page.goto(f"{live_app.url}/complaints/new")
    _no_serious_violations(page)
    assert not page.locator("#website").is_visible()  # the honeypot is not for people
    page.get_by_label("Your name (optional)").fill("Dan Price")
    page.get_by_label("Your email address").fill("dan@example.net")
    page.get_by_label("Your complaint").fill("You kept calling <b>after</b> I opted out")
    page.get_by_role("button", name="Send the complaint").press("Enter")
    page.wait_for_url(f"{live_app.url}/complaints/thanks")
    assert page.get_by_role("heading", name="Thank you: we have your complaint").is_visible()

    officer = staff_account(Role.STAFF, job_roles=("complaints_officer",))
    page.goto(f"{live_app.url}/console/sign-in")
    page.get_by_label("Email address").fill(officer.email)
    page.get_by_label("Password").fill(officer.password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_app.url}/console")
    page.get_by_role("link", name="Complaints").click()
    # The register's only complaint (its number depends on the database's sequence).
    page.locator("tbody a").first.click()
    assert page.get_by_text("You kept calling <b>after</b> I opted out").is_visible()
    _no_serious_violations(page)
