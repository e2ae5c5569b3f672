"""The cookie banner on a real page in Chromium: shown, honoured, recorded, and GPC obeyed.

A second local server plays the business's website: its page includes `/consent.js` from the
Dataward under test and two scripts held back by category, each setting a cookie.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import LiveApp
from sqlalchemy import select

from dataward.cookies.models import CookieChoice
from dataward.core.runtime import Runtime
from dataward.examples.catalogue import policy_path

GPC_ON = "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});"


def site_page(dataward: str) -> bytes:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Northgate IT</title>
<script src="{dataward}/consent.js" defer></script></head>
<body><main><h1>Northgate IT</h1><p>Managed IT for growing firms.</p></main>
<script type="text/plain" data-dataward-category="statistics">
document.cookie = "_stats=1; path=/";</script>
<script type="text/plain" data-dataward-category="advertising">
document.cookie = "_ads=1; path=/";</script>
</body></html>""".encode()


@pytest.fixture
def website() -> Iterator[tuple[str, Callable[[str], None]]]:
    """The business's website on 127.0.0.1; call the setter with Dataward's address first."""
    served: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = served.get("page", b"")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    class Website(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            # A browser that closes a connection mid-answer is not a failure of the page; and
            # a traceback printed from this thread would land in another test's captured output.
            pass

    server = Website(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield (
            f"http://127.0.0.1:{server.server_address[1]}",
            lambda dataward: served.update(page=site_page(dataward)),
        )
    finally:
        server.shutdown()


@pytest.fixture
def runtime(runtime: Runtime, tmp_path: Path, website: tuple[str, Any]) -> Runtime:
    """The msp example's policy, with the local test website as the banner's site."""
    data = yaml.safe_load(policy_path("msp").read_text(encoding="utf-8"))
    data["cookies"]["websites"] = [website[0]]
    policy = tmp_path / "dataward.yaml"
    policy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    settings = runtime.settings.model_copy(update={"policy": policy})
    return Runtime.on_engine(settings, runtime.engine, runtime.clock)


def cookie_names(page: Any) -> set[str]:
    return {c["name"] for c in page.context.cookies()}


def recorded(runtime: Runtime, count: int = 1) -> list[CookieChoice]:
    """The choices Dataward stored, waiting briefly: the banner posts them in the background."""
    deadline = time.monotonic() + 10
    while True:
        with runtime.transaction() as session:
            rows = list(session.scalars(select(CookieChoice).order_by(CookieChoice.id)))
            session.expunge_all()
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def test_no_advertising_cookie_before_consent_and_the_choice_is_recorded(
    live_app: LiveApp, website: tuple[str, Callable[[str], None]], browser_page: Any
) -> None:
    url, serve = website
    serve(live_app.url)
    page = browser_page
    page.goto(url)
    banner = page.get_by_role("region", name="Cookies on this website")
    banner.wait_for()
    # Statistics are exempt (the visitor can object); advertising waits for agreement.
    assert "_stats" in cookie_names(page)
    assert "_ads" not in cookie_names(page)
    assert recorded(live_app.runtime, 0) == []

    page.get_by_role("button", name="Accept all").click()
    page.wait_for_function("document.cookie.includes('_ads=1')")
    assert banner.count() == 0
    (choice,) = recorded(live_app.runtime)
    assert choice.choices == {"essential": True, "statistics": True, "advertising": True}
    assert choice.website == url and choice.global_privacy_control is False

    page.reload()
    page.wait_for_function("document.cookie.includes('_ads=1')")
    assert page.get_by_role("region", name="Cookies on this website").count() == 0


def test_objecting_removes_the_statistics_cookie_and_keeps_adverts_off(
    live_app: LiveApp, website: tuple[str, Callable[[str], None]], browser_page: Any
) -> None:
    url, serve = website
    serve(live_app.url)
    page = browser_page
    page.goto(url)
    page.get_by_role("region", name="Cookies on this website").wait_for()
    page.get_by_role("button", name="Reject all but essential").click()
    (choice,) = recorded(live_app.runtime)
    assert choice.choices == {"essential": True, "statistics": False, "advertising": False}
    assert not {"_stats", "_ads"} & cookie_names(page)


def test_global_privacy_control_is_honoured_without_a_click(
    live_app: LiveApp, website: tuple[str, Callable[[str], None]], browser_page: Any
) -> None:
    url, serve = website
    serve(live_app.url)
    page = browser_page
    page.context.add_init_script(GPC_ON)
    page.goto(url)
    banner = page.get_by_role("region", name="Cookies on this website")
    banner.wait_for()
    assert "Global Privacy Control" in banner.inner_text()
    (choice,) = recorded(live_app.runtime)
    assert choice.global_privacy_control is True
    assert choice.choices == {"essential": True, "statistics": False, "advertising": False}
    assert not {"_stats", "_ads"} & cookie_names(page)
