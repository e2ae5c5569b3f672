"""In Chromium: a marketing email's unsubscribe link, followed and confirmed by keyboard."""

from __future__ import annotations

from typing import Any

from browser import LiveApp, keyring_for

from consent.ledger_factories import example_policy
from dataward.consent import service as suppression
from dataward.consent import unsubscribe


def test_the_unsubscribe_page_works_by_keyboard_and_confirms(
    live_app: LiveApp, browser_page: Any
) -> None:
    runtime = live_app.runtime
    keyring = keyring_for(runtime)
    with runtime.transaction() as session:
        ((_, token),) = unsubscribe.make_tokens(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            settings=runtime.settings,
            policy=example_policy("msp"),
            emails=["ann@example.com"],
            channel="marketing",
            medium="email",
        )
    page = browser_page
    page.goto(f"{live_app.url}/unsubscribe/{token}")
    assert page.get_by_role("heading", name="Unsubscribe").is_visible()
    page.get_by_role("button", name="Unsubscribe").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_app.url}/unsubscribe/{token}?done=1")
    assert page.get_by_role("heading", name="You are unsubscribed").is_visible()
    with runtime.transaction() as session:
        assert suppression.is_suppressed(session=session, keyring=keyring, email="ann@example.com")
