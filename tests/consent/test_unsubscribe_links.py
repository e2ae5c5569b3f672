"""One-click unsubscribe: signed links, a confirmation page, RFC 8058's POST, and forgeries."""

from __future__ import annotations

import re

from browser import keyring_for
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from consent.ledger_factories import example_policy
from consent.web import api_token
from dataward.accounts.roles import Role
from dataward.consent import service as suppression
from dataward.consent import unsubscribe
from dataward.consent.models import ConsentEvent
from dataward.core.runtime import Runtime
from dataward.people import service as people


def _link(runtime: Runtime, email: str = "ann@example.com", medium: str = "email") -> str:
    keyring = keyring_for(runtime)
    with runtime.transaction() as session:
        ((_, token),) = unsubscribe.make_tokens(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            settings=runtime.settings,
            policy=example_policy("msp"),
            emails=[email],
            channel="marketing",
            medium=medium,
        )
    return f"/unsubscribe/{token}"


def _state(runtime: Runtime, email: str = "ann@example.com") -> tuple[int, bool]:
    keyring = keyring_for(runtime)
    with runtime.transaction() as session:
        events = session.scalar(select(func.count()).select_from(ConsentEvent)) or 0
        return events, suppression.is_suppressed(session=session, keyring=keyring, email=email)


def test_the_link_shows_one_button_and_the_click_withdraws_and_suppresses(
    client: TestClient, msp_runtime: Runtime
) -> None:
    link = _link(msp_runtime)
    assert "ann" not in link and "example" not in link
    page = client.get(link)
    assert page.status_code == 200
    assert page.text.count("<button") == 1 and "Unsubscribe from marketing by email" in page.text
    assert _state(msp_runtime) == (0, False)  # looking is not unsubscribing

    clicked = client.post(link)  # no CSRF token: the link itself is the proof
    assert clicked.status_code == 303 and clicked.headers["location"] == f"{link}?done=1"
    assert "You are unsubscribed" in client.get(clicked.headers["location"]).text
    assert _state(msp_runtime) == (1, True)
    with msp_runtime.transaction() as session:
        (row,) = session.scalars(select(ConsentEvent))
        assert (row.action, row.medium, row.method) == ("withdrawn", "email", "unsubscribe-link")
        assert row.wording_version == unsubscribe.PAGE_VERSION
    client.post(link)  # a second click changes nothing
    assert _state(msp_runtime) == (1, True)


def test_a_mail_client_one_click_post_gets_a_page_not_a_redirect(
    client: TestClient, msp_runtime: Runtime
) -> None:
    link = _link(msp_runtime)
    answer = client.post(
        link,
        content="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 200 and "You are unsubscribed" in answer.text
    assert _state(msp_runtime) == (1, True)


def test_attack_a_forged_or_altered_token_does_nothing(
    client: TestClient, msp_runtime: Runtime
) -> None:
    link = _link(msp_runtime)
    _link(msp_runtime, "bob@example.com")
    token = link.removeprefix("/unsubscribe/")
    with msp_runtime.transaction() as session:
        bob = people.find_person(
            session=session, keyring=keyring_for(msp_runtime), email="bob@example.com"
        )
        assert bob is not None
        bobs = bob.pseudonym
    payload, _, signature = token.partition(".")
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    forged_with_wrong_key = URLSafeTimedSerializer("x" * 48, salt="dataward:consent.unsubscribe")
    forged = forged_with_wrong_key.dumps({"p": bobs, "c": "marketing", "m": "email"})
    other_purpose = URLSafeTimedSerializer("x" * 48, salt="dataward:sign-in-code").dumps({})
    for bad in (altered, forged, other_purpose, "nonsense", "a" * 2000, f"{payload}.{signature}x"):
        page = client.get(f"/unsubscribe/{bad}")
        assert page.status_code in (404, 422), bad
        assert "altered or is not ours" in page.text or page.status_code == 404
        assert client.post(f"/unsubscribe/{bad}").status_code in (404, 422)
    assert _state(msp_runtime, "bob@example.com") == (0, False)
    assert _state(msp_runtime) == (0, False)


def test_links_in_bulk_for_a_mailing_tool(client: TestClient, msp_runtime: Runtime) -> None:
    source = api_token(msp_runtime, Role.SOURCE)
    answer = client.post(
        "/api/v1/comms/unsubscribe-links",
        json={"channel": "marketing", "emails": ["ann@example.com", "bob@example.com"]},
        headers=source,
    )
    assert answer.status_code == 200, answer.text
    links = answer.json()["links"]
    assert [link["email"] for link in links] == ["ann@example.com", "bob@example.com"]
    path = re.sub(r"^https?://[^/]+", "", links[1]["url"])
    assert client.post(path).status_code == 303
    assert _state(msp_runtime, "bob@example.com") == (1, True)
    assert _state(msp_runtime, "ann@example.com")[1] is False
    refused = client.post(
        "/api/v1/comms/unsubscribe-links",
        json={"channel": "emergency", "emails": ["ann@example.com"]},
        headers=source,
    )
    assert refused.status_code == 422 and "not a marketing channel" in refused.text
