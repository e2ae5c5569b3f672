"""In Chromium: staff sign in with a password and a TOTP code and reach the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from browser import LiveApp, StaffAccount

from dataward.accounts.roles import Role


def test_a_dpo_signs_in_with_totp_and_reaches_the_dashboard(
    live_app: LiveApp, browser_page: Any, staff_account: Callable[..., StaffAccount]
) -> None:
    dpo = staff_account(Role.DPO)
    page = browser_page
    page.goto(f"{live_app.url}/console")
    assert page.url.endswith("/console/sign-in?next=/console")
    # Keyboard only: the labels name the fields, Enter sends the form.
    page.get_by_label("Email address").fill(dpo.email)
    page.get_by_label("Password").fill(dpo.password)
    page.keyboard.press("Enter")
    page.get_by_label("6-digit code").fill(dpo.code(live_app.runtime))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_app.url}/console")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.get_by_role("heading", name="Your account").is_visible()
    assert "Signed in as" in page.inner_text("header")
    # The session cookie is out of reach of the page's scripts.
    assert page.evaluate("document.cookie").find("dataward_session") == -1
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_app.url}/console/sign-in")
    page.goto(f"{live_app.url}/console")
    assert "/console/sign-in" in page.url


def test_a_wrong_code_keeps_the_browser_out(
    live_app: LiveApp, browser_page: Any, staff_account: Callable[..., StaffAccount]
) -> None:
    admin = staff_account(Role.ADMIN)
    page = browser_page
    page.goto(f"{live_app.url}/console/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(admin.password)
    page.get_by_role("button", name="Sign in").click()
    wrong = "000000" if admin.code(live_app.runtime) != "000000" else "111111"
    page.get_by_label("6-digit code").fill(wrong)
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("That code is not right").is_visible()
    page.goto(f"{live_app.url}/console")
    assert "/console/sign-in" in page.url
