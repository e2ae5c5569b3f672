"""The published notice as the privacy centre's /notice page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from dataward.app import create_app
from dataward.core.clock import today
from dataward.core.runtime import Runtime
from dataward.examples.catalogue import policy_path
from dataward.notice import service
from dataward.policy.service import load_policy


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), follow_redirects=False) as test_client:
        yield test_client


def test_before_anything_is_published_the_page_says_so(client: TestClient) -> None:
    page = client.get("/notice")
    assert page.status_code == 404
    assert "no privacy notice has been published yet" in page.text.lower()


def test_the_page_shows_the_version_in_effect_with_its_number_and_date(
    client: TestClient, runtime: Runtime
) -> None:
    loaded = load_policy(policy_path("msp"))
    with runtime.transaction() as session:
        service.publish(session=session, clock=runtime.clock, loaded=loaded, actor="cli:dpo")
    page = client.get("/notice")
    assert page.status_code == 200
    assert "Northgate Managed IT Ltd" in page.text
    assert "version 1, in effect" in page.text
    assert "Who we share information with" in page.text and "RemoteReach Inc" in page.text
    # Inside the privacy centre's own page: one main landmark, no inline styles (CSP).
    assert page.text.count("<main") == 1
    assert "<style" not in page.text and "style=" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_a_version_that_takes_effect_later_is_not_shown_yet(
    client: TestClient, runtime: Runtime
) -> None:
    loaded = load_policy(policy_path("support"))
    with runtime.transaction() as session:
        service.publish(
            session=session,
            clock=runtime.clock,
            loaded=loaded,
            actor="cli:dpo",
            effective_on=today(runtime.clock) + timedelta(days=30),
        )
    assert client.get("/notice").status_code == 404
