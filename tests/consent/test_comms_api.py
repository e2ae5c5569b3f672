"""The consent and comms API: what sending systems and the CRM call."""

from __future__ import annotations

from fastapi.testclient import TestClient

from consent.web import api_token
from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime

GIVEN = {
    "email": "ann@example.com",
    "channel": "marketing",
    "medium": "email",
    "action": "given",
    "how": "web-form",
    "wording_version": "newsletter form v2",
    "wording": "Send me the newsletter.",
}


def test_a_source_records_consent_then_checks_and_screens(
    client: TestClient, msp_runtime: Runtime
) -> None:
    source = api_token(msp_runtime, Role.SOURCE)
    recorded = client.post("/api/v1/consent/record", json=GIVEN, headers=source)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["recorded_by"].startswith("token:") or recorded.json()["recorded_by"]

    check = {"email": "ANN@example.com", "channel": "marketing"}
    answer = client.post("/api/v1/comms/check", json=check, headers=source)
    assert answer.status_code == 200, answer.text
    assert answer.json()["allowed"] is True and answer.json()["reasons"] == ["consent"]
    other = client.post(
        "/api/v1/comms/check", json={**check, "email": "bob@example.com"}, headers=source
    )
    assert other.json() | {"on": None} == {
        "allowed": False,
        "reasons": ["no-consent"],
        "purpose": "marketing",
        "medium": "email",
        "on": None,
    }
    screened = client.post(
        "/api/v1/comms/screen",
        json={
            "channel": "marketing",
            "contacts": [{"email": "ann@example.com"}, {"email": "bob@example.com"}, {}],
        },
        headers=source,
    )
    assert screened.status_code == 200, screened.text
    assert [(r["row"], r["allowed"]) for r in screened.json()["rows"]] == [
        (1, True),
        (2, False),
        (3, False),
    ]
    refused = client.post(
        "/api/v1/comms/check",
        json={
            "email": "ann@example.com",
            "channel": "emergency",
            "medium": "sms",
            "marketing": True,
        },
        headers=source,
    )
    assert refused.status_code == 409
    assert "can never carry marketing" in refused.json()["error"]["message"]


def test_reading_a_persons_history_needs_consent_read(
    client: TestClient, msp_runtime: Runtime
) -> None:
    dpo = api_token(msp_runtime, Role.DPO, "dpo-tool")
    assert client.post("/api/v1/consent/record", json=GIVEN, headers=dpo).status_code == 201
    who = {"email": "ann@example.com"}
    history = client.post("/api/v1/consent/history", json=who, headers=dpo)
    assert [e["action"] for e in history.json()] == ["given"]
    shown = client.post("/api/v1/consent/show", json=who, headers=dpo).json()
    assert shown["preferences"][0]["state"] == "given"

    # A sending system may write and check, but never read someone's history.
    source = api_token(msp_runtime, Role.SOURCE)
    assert client.post("/api/v1/consent/history", json=who, headers=source).status_code == 403
    assert client.post("/api/v1/consent/show", json=who, headers=source).status_code == 403
    auditor = api_token(msp_runtime, Role.AUDITOR, "auditor-tool")
    assert client.post("/api/v1/consent/history", json=who, headers=auditor).status_code == 403
    assert client.post("/api/v1/comms/check", json=who, headers=auditor).status_code == 403
    assert client.post("/api/v1/consent/history", json=who).status_code == 401


def test_bad_bodies_get_the_one_error_shape(client: TestClient, msp_runtime: Runtime) -> None:
    source = api_token(msp_runtime, Role.SOURCE)
    for body in (
        {**GIVEN, "channel": "service"},
        {**GIVEN, "action": "maybe"},
        {**GIVEN, "email": "nope"},
        {**GIVEN, "wording": ""},
        {**GIVEN, "extra": 1},
    ):
        answer = client.post("/api/v1/consent/record", json=body, headers=source)
        assert answer.status_code in (409, 422), (body, answer.text)
        assert set(answer.json()["error"]) == {"type", "message", "fix"}
    too_many = {"channel": "marketing", "contacts": [{"email": "a@example.com"}] * 10_001}
    answer = client.post("/api/v1/comms/screen", json=too_many, headers=source)
    assert answer.status_code == 422
