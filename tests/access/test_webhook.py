"""POST /api/v1/access-events: a source's token sends events; the attacks fail safely."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from access.web import api_token, app_client, configured
from dataward.access.models import AccessEvent
from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime
from dataward.examples.catalogue import policy_path

URL = "/api/v1/access-events"


def event(event_id: str, **changes: Any) -> dict[str, Any]:
    values = {
        "event_id": event_id,
        "engineer": "Priya Shah",
        "device": "ACME-LT-014",
        "client": "Acme Ltd",
        "started_at": "2026-03-02T09:00:00Z",
        "ended_at": "2026-03-02T09:30:00Z",
        "attended": True,
        "warning_shown": True,
        "reason": "support",
    }
    return values | changes


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    configured(runtime, policy_path("msp"))
    with app_client(runtime) as test_client:
        yield test_client


def _rows(runtime: Runtime) -> int:
    with runtime.transaction() as session:
        return session.scalar(select(func.count()).select_from(AccessEvent)) or 0


def test_a_source_sends_a_batch_and_gets_each_event_with_its_findings(
    client: TestClient, runtime: Runtime
) -> None:
    headers = api_token(runtime, "remotereach")
    answer = client.post(
        URL,
        headers=headers,
        json={"events": [event("e-1"), event("e-2", attended=False, reason="curiosity")]},
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["new"] == 2 and body["repeated"] == 0
    assert [e["findings"] for e in body["events"]] == [[], ["unattended-not-maintenance"]]
    assert {e["source"] for e in body["events"]} == {"remotereach"}
    assert "engineer" not in body["events"][0]  # names are sealed, not echoed


def test_a_replayed_event_returns_the_first_and_adds_no_row(
    client: TestClient, runtime: Runtime
) -> None:
    headers = api_token(runtime, "remotereach")
    first = client.post(URL, headers=headers, json={"events": [event("e-9")]}).json()
    replay = client.post(
        URL, headers=headers, json={"events": [event("e-9", attended=False, reason="x")]}
    ).json()
    assert replay["events"][0]["id"] == first["events"][0]["id"]
    assert replay["events"][0]["repeated"] is True and replay["events"][0]["attended"] is True
    assert _rows(runtime) == 1


def test_without_a_token_or_with_a_staff_token_nothing_is_recorded(
    client: TestClient, runtime: Runtime
) -> None:
    batch = {"events": [event("e-1")]}
    anonymous = client.post(URL, json=batch)
    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["type"] == "NotAuthenticated"
    staff = client.post(URL, headers=api_token(runtime, "reports", Role.STAFF), json=batch)
    assert staff.status_code == 403
    forged = client.post(URL, headers={"Authorization": "Bearer dw_not-a-token"}, json=batch)
    assert forged.status_code == 401
    assert _rows(runtime) == 0


def test_a_source_cannot_touch_another_sources_events(client: TestClient, runtime: Runtime) -> None:
    theirs = api_token(runtime, "cctv-recorder")
    mine = api_token(runtime, "remotereach")
    theirs_event = event("shared-1", kind="cctv_view", incident="INC-1")
    original = client.post(URL, headers=theirs, json={"events": [theirs_event]}).json()
    # The same event id, and a body naming the other source: the token decides the source.
    named = client.post(URL, headers=mine, json={"events": [event("shared-1")], "source": "cctv"})
    assert named.status_code == 422
    mine_answer = client.post(
        URL, headers=mine, json={"events": [event("shared-1", attended=False, reason="x")]}
    ).json()
    assert mine_answer["events"][0]["repeated"] is False
    assert mine_answer["events"][0]["id"] != original["events"][0]["id"]
    assert mine_answer["events"][0]["source"] == "remotereach"
    with runtime.transaction() as session:
        theirs_row = session.get(AccessEvent, original["events"][0]["id"])
        assert theirs_row is not None and theirs_row.attended is True


def test_a_ten_megabyte_body_is_refused_before_it_is_read(
    client: TestClient, runtime: Runtime
) -> None:
    headers = api_token(runtime, "remotereach")
    huge = b'{"events": [' + b" " * (10 * 1024 * 1024) + b"]}"
    answer = client.post(URL, headers={**headers, "Content-Type": "application/json"}, content=huge)
    assert answer.status_code == 413
    assert answer.json()["error"]["type"] == "PayloadTooLarge"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the stream itself is cut short
        yield b'{"events": ['
        for _ in range(10):
            yield b" " * (1024 * 1024)

    streamed = client.post(URL, headers={**headers, "Content-Type": "application/json"},
                           content=chunks())  # fmt: skip
    assert streamed.status_code == 413
    assert _rows(runtime) == 0


def test_an_undeclared_source_must_say_what_kind_each_event_is(
    client: TestClient, runtime: Runtime
) -> None:
    headers = api_token(runtime, "somebody-new")
    answer = client.post(URL, headers=headers, json={"events": [event("k-1")]})
    assert answer.status_code == 422 and "kind" in answer.json()["error"]["message"]
    assert _rows(runtime) == 0


def test_malformed_events_are_refused_in_the_one_error_shape(
    client: TestClient, runtime: Runtime
) -> None:
    headers = api_token(runtime, "remotereach")
    for body in (
        b"not json",
        json.dumps({"events": []}).encode(),
        json.dumps({"events": [event("e-1", started_at="2026-03-02T09:00:00")]}).encode(),
        json.dumps({"events": [event("x" * 201)]}).encode(),
        json.dumps({"events": [event(f"e-{n}") for n in range(1001)]}).encode(),
    ):
        answer = client.post(URL, headers={**headers, "Content-Type": "application/json"},
                             content=body)  # fmt: skip
        assert answer.status_code == 422, body[:60]
        assert answer.json()["error"]["type"] == "UsageError"
    assert _rows(runtime) == 0
