"""axe-core in Chromium on every public page and every console page: no serious or critical
violation. The pages are the GET routes without path parameters, read from the route table,
so a page added later is checked without touching this test."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from browser import LiveApp, StaffAccount

from dataward.accounts.roles import Role
from dataward.app import create_app
from dataward.core.runtime import Runtime

from .test_authorisation_matrix import endpoints

SERIOUS = {"serious", "critical"}


def pages(live_app: LiveApp) -> list[tuple[str, str]]:
    """(interface, path) of every HTML page without path parameters."""
    found = []
    for endpoint in endpoints(create_app(live_app.runtime)):
        if endpoint.method != "GET" or "{" in endpoint.template:
            continue
        if endpoint.path.startswith("/api/") or endpoint.path == "/health":
            continue
        if endpoint.rule.interface in ("public", "page"):
            found.append((endpoint.rule.interface, endpoint.path))
    return found


def _visit(page: Any, url: str) -> bool:
    """Open the page; False for what is not a page (a download such as the ROPA workbook)."""
    answer = page.request.get(url)
    if not answer.headers.get("content-type", "").startswith("text/html"):
        return False
    page.goto(url)
    return True


def _violations(page: Any, axe: Axe) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def test_no_page_has_a_serious_accessibility_violation(
    deployed: Runtime,
    live_app: LiveApp,
    browser_page: Any,
    staff_account: Callable[..., StaffAccount],
) -> None:
    axe = Axe()
    page = browser_page
    problems: dict[str, list[str]] = {}
    walked = pages(live_app)
    # Public pages as a visitor, then the console as an admin (who may see every page).
    for interface, path in sorted(walked):
        if interface == "public" and _visit(page, f"{live_app.url}{path}"):
            problems[path] = _violations(page, axe)
    page.goto(f"{live_app.url}/no-such-page")
    problems["error page"] = _violations(page, axe)
    admin = staff_account(Role.ADMIN)
    page.goto(f"{live_app.url}/console/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(admin.password)
    page.get_by_role("button", name="Sign in").click()
    problems["sign-in code step"] = _violations(page, axe)
    page.get_by_label("6-digit code").fill(admin.code(live_app.runtime))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{live_app.url}/console")
    for interface, path in sorted(walked):
        if interface == "page" and _visit(page, f"{live_app.url}{path}"):
            assert "/console/sign-in" not in page.url, path
            problems[path] = _violations(page, axe)
    assert {path: found for path, found in problems.items() if found} == {}
    assert "/console" in problems and "/console/sign-in" in problems
