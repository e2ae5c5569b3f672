"""In Chromium: a person asks for a copy of their data on the privacy centre, proves the code
the real SMTP server received, and downloads the package once staff have reviewed it. Every
page on the way passes axe-core with no serious or critical violation."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from axe_playwright_python.sync_playwright import Axe

from dataward import domains
from dataward.core import jobs
from dataward.rights import service

from .centre import Centre

SERIOUS = {"serious", "critical"}


def _accessible(page: Any) -> None:
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert serious == [], (page.url, [(v["id"], v["help"]) for v in serious])


def test_a_person_gets_a_copy_of_their_data_end_to_end(
    live_app: Any, browser_page: Any, centre: Centre
) -> None:
    page = browser_page
    priya = centre.person("priya")

    page.goto(live_app.url + "/")
    _accessible(page)
    page.get_by_role("link", name="Get a copy of my data").click()
    _accessible(page)
    page.get_by_label("Your email address").fill(priya)
    page.get_by_role("button", name="Send my request").click()

    page.wait_for_url("**/requests/verify?sent=1")
    _accessible(page)
    reference = page.get_by_label("Your request's reference").input_value()
    assert reference.startswith("DW-")
    page.get_by_label("The code").fill(centre.last_code(priya))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/requests/{reference}")
    _accessible(page)
    assert "We must answer by" in page.content()

    # The worker runs the request on every system; staff review it and approve.
    jobs.run_until_idle(centre.runtime, handlers=domains.job_handlers())
    with centre.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        service.approve(session=session, clock=centre.clock, request=request, actor="cli:staff")

    page.reload()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download my data (ZIP)").click()
    download = download_info.value
    content = open(download.path(), "rb").read()  # noqa: SIM115, PTH123 - Playwright's temp file
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        data = json.loads(archive.read("data.json"))
    assert data["reference"] == reference
    contacts = data["systems"]["crm"]["contacts"]
    assert [c["fields"]["email"]["value"] for c in contacts] == [priya]


def test_a_person_corrects_their_details_with_the_keyboard_only(
    live_app: Any, browser_page: Any, centre: Centre
) -> None:
    page = browser_page
    priya = centre.person("priya")
    page.goto(live_app.url + "/my-details")
    _accessible(page)
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.get_by_label("Your email address").focus()
    page.keyboard.type(priya)
    page.keyboard.press("Enter")
    page.wait_for_url("**/my-details/code")
    _accessible(page)
    page.get_by_label("The code").focus()
    page.keyboard.type(centre.last_code(priya))
    page.keyboard.press("Enter")
    page.wait_for_url("**/my-details")
    _accessible(page)
    box = page.locator('input[name="field:crm.contacts.job_title"]')
    box.focus()
    box.fill("Head of IT")
    page.keyboard.press("Enter")
    page.wait_for_url("**/requests/DW-*")
    _accessible(page)
    assert "You asked for the correction of personal data" in page.content()
