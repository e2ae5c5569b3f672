"""Recording visitors' cookie choices: only from the business's sites, checked, bounded."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dataward.accounts import tokens
from dataward.accounts.roles import Role
from dataward.cookies.models import CookieChoice
from dataward.core.runtime import Runtime

from .conftest import SITE

VISITOR = "c0ffee00c0ffee00c0ffee00c0ffee00"


def post(client: TestClient, body: Any, *, origin: str | None = SITE) -> Any:
    headers = {"Content-Type": "text/plain"}
    if origin is not None:
        headers["Origin"] = origin
    text = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/v1/cookie-choices", content=text, headers=headers)


def choice(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "visitor": VISITOR,
        "version": "2026-03",
        "choices": {"statistics": False, "advertising": True},
        "gpc": False,
    }
    return body | changes


def stored(runtime: Runtime) -> list[CookieChoice]:
    with runtime.transaction() as session:
        rows = list(session.scalars(select(CookieChoice).order_by(CookieChoice.id)))
        session.expunge_all()
    return rows


def test_a_choice_posted_by_the_banner_is_recorded_with_every_category(
    client: TestClient, runtime: Runtime
) -> None:
    answer = post(client, choice())
    assert answer.status_code == 201, answer.text
    (row,) = stored(runtime)
    # Essential cannot be refused; the visitor objected to statistics and agreed to adverts.
    assert row.choices == {"essential": True, "statistics": False, "advertising": True}
    assert row.website == SITE and row.visitor_id == VISITOR and row.banner_version == "2026-03"


def test_the_essential_category_stays_on_and_unnamed_categories_take_their_defaults(
    client: TestClient, runtime: Runtime
) -> None:
    assert post(client, choice(choices={"essential": False})).status_code == 201
    assert post(client, choice(choices={}, gpc=True)).status_code == 201
    plain, with_gpc = stored(runtime)
    assert plain.choices == {"essential": True, "statistics": True, "advertising": False}
    # Global Privacy Control: an objection to statistics and no consent to adverts.
    assert with_gpc.choices == {"essential": True, "statistics": False, "advertising": False}
    assert with_gpc.global_privacy_control is True


@pytest.mark.parametrize(
    ("origin", "status"),
    [(None, 403), ("https://evil.example.net", 403), ("http://northgate-it.example.com", 403)],
)
def test_choices_from_another_site_are_refused(
    client: TestClient, runtime: Runtime, origin: str | None, status: int
) -> None:
    assert post(client, choice(), origin=origin).status_code == status
    assert stored(runtime) == []


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (choice(version="2025-01"), 409, "current one is '2026-03'"),
        (choice(choices={"tracking": True}), 422, "unknown cookie categories: tracking"),
        (choice(visitor="short"), 422, "visitor id"),
        (choice(visitor="<script>alert(1)</script>aaaaaaaa"), 422, "visitor id"),
        ("not json", 422, "must be JSON"),
        (choice(choices={"statistics": "yes"}), 422, "must be JSON"),
        ("x" * 5000, 422, "at most 4096 bytes"),
    ],
)
def test_a_bad_choice_is_refused_with_a_reason_and_nothing_is_stored(
    client: TestClient, runtime: Runtime, body: Any, status: int, says: str
) -> None:
    answer = post(client, body)
    assert answer.status_code == status, answer.text
    assert says in answer.json()["error"]["message"]
    assert stored(runtime) == []


def test_one_address_cannot_flood_the_record(client: TestClient, runtime: Runtime) -> None:
    statuses = [post(client, choice()).status_code for _ in range(31)]
    assert statuses[:30] == [201] * 30
    assert statuses[30] == 429
    assert len(stored(runtime)) == 30


def test_staff_read_a_summary_of_the_latest_choice_per_visitor(
    client: TestClient, runtime: Runtime
) -> None:
    post(client, choice())
    post(client, choice(choices={"advertising": False}))  # the same visitor changed their mind
    post(client, choice(visitor="feedfacefeedfacefeedface", gpc=True, choices={}))
    with runtime.transaction() as session:
        _, token = tokens.create_token(
            session=session, clock=runtime.clock, name="dpo-laptop", role=Role.DPO, actor="test"
        )
    assert client.get("/api/v1/cookie-choices/summary").status_code == 401
    summary = client.get(
        "/api/v1/cookie-choices/summary", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert summary["visitors"] == 2 and summary["with_global_privacy_control"] == 1
    assert summary["allowed"] == {"essential": 2, "statistics": 1}


def test_the_script_carries_the_banner_and_stays_small(client: TestClient) -> None:
    script = client.get("/consent.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("application/javascript")
    assert len(script.content) < 10 * 1024
    assert '"version": "2026-03"' in script.text and '"key": "advertising"' in script.text
    assert "/api/v1/cookie-choices" in script.text
    # No third-party code: every address in it is Dataward's own.
    assert set(re.findall(r"https?://[^/\"]+", script.text)) == {"http://testserver"}
    css = client.get("/consent.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
