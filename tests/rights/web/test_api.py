"""`/api/v1/requests` driven through the app with real API tokens, against Kestrel IT's real
systems: the request's life, who may do what, and the audit of every look at personal data."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dataward.accounts import tokens
from dataward.accounts.roles import Role
from dataward.app import create_app
from dataward.audit.models import AuditEvent
from dataward.rights.casework import PERSONAL_DATA_VIEWED

from ..kestrel import ALICE, ALICE_PHONE
from ..request_factories import Inbox, code_in
from .conftest import Desk

Api = Callable[[Role], dict[str, str]]


@pytest.fixture
def client(desk: Desk) -> Iterator[TestClient]:
    with TestClient(create_app(desk.runtime), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def token_for(desk: Desk) -> Api:
    """Authorization headers of a new API token of that role, made by the accounts service."""
    made = 0

    def make(role: Role) -> dict[str, str]:
        nonlocal made
        made += 1
        with desk.runtime.transaction() as session:
            _row, token = tokens.create_token(
                session=session,
                clock=desk.runtime.clock,
                name=f"{role.value}-{made}",
                role=role,
                actor="test:fixture",
            )
        return {"Authorization": f"Bearer {token}"}

    return make


def _opened(client: TestClient, headers: dict[str, str], **body: object) -> str:
    answer = client.post(
        "/api/v1/requests", json={"kind": "access", "email": ALICE, **body}, headers=headers
    )
    assert answer.status_code == 201, answer.text
    reference: str = answer.json()["reference"]
    return reference


def _viewed(desk: Desk) -> list[AuditEvent]:
    with desk.runtime.transaction() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == PERSONAL_DATA_VIEWED)
                .order_by(AuditEvent.sequence)
            )
        )


def test_open_verify_run_and_download_the_package(
    desk: Desk, client: TestClient, token_for: Api
) -> None:
    staff = token_for(Role.STAFF)
    reference = _opened(client, staff)
    verified = client.post(
        f"/api/v1/requests/{reference}/verify",
        json={"evidence": "passport seen at the counter"},
        headers=staff,
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["verified"] is True
    ran = client.post(f"/api/v1/requests/{reference}/run", headers=staff)
    assert ran.status_code == 200, ran.text
    assert ran.json()["finished"] and ran.json()["state"] == "awaiting_review"
    assert ran.json()["package_stored"]

    listed = client.get("/api/v1/requests", params={"state": "awaiting_review"}, headers=staff)
    assert [x["reference"] for x in listed.json()["items"]] == [reference]
    assert listed.json()["items"][0]["due_status"] == "green"

    package = client.get(
        f"/api/v1/requests/{reference}/package",
        headers=staff,
        params={"why": "sending it to the person"},
    )
    assert package.status_code == 200
    assert package.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        assert ALICE in archive.read("data.json").decode()
    # The product recorded the download: who (the token), what and why.
    events = _viewed(desk)
    assert [
        (e.actor.split(":")[0], e.object_id, e.details["what"], e.details["why"]) for e in events
    ] == [("token", reference, "package", "sending it to the person")]


def test_refusing_with_reasons_returns_the_notice_and_the_letter(
    client: TestClient, token_for: Api
) -> None:
    dpo = token_for(Role.DPO)
    reference = _opened(client, dpo)
    refused = client.post(
        f"/api/v1/requests/{reference}/refuse",
        json={"reason": "the same request was answered on 1 March"},
        headers=dpo,
    )
    assert refused.status_code == 200, refused.text
    assert refused.json()["state"] == "refused"
    assert "the same request was answered on 1 March" in refused.json()["notice"]
    assert "Information Commissioner" in refused.json()["notice"]
    letter = client.get(f"/api/v1/requests/{reference}/letter", headers=dpo)
    assert letter.json()["letter"] == "refusal"
    assert letter.json()["body"] == refused.json()["notice"]
    again = client.post(
        f"/api/v1/requests/{reference}/refuse", json={"reason": "twice"}, headers=dpo
    )
    assert again.status_code == 409 and again.json()["error"]["type"] == "Conflict"


def test_extend_pause_and_resume_move_the_due_date(client: TestClient, token_for: Api) -> None:
    dpo = token_for(Role.DPO)
    reference = _opened(client, dpo)
    client.post(f"/api/v1/requests/{reference}/verify", json={"evidence": "seen"}, headers=dpo)
    before = client.get(f"/api/v1/requests/{reference}", headers=dpo).json()
    extended = client.post(
        f"/api/v1/requests/{reference}/extend",
        json={"reason": "fourteen systems", "told_on": "2026-03-02"},
        headers=dpo,
    )
    assert extended.status_code == 200, extended.text
    assert extended.json()["extended_due_on"] > before["due_on"]
    assert extended.json()["extension_reason"] == "fourteen systems"
    paused = client.post(
        f"/api/v1/requests/{reference}/pause", json={"asked_on": "2026-03-02"}, headers=dpo
    )
    assert paused.json()["state"] == "paused" and paused.json()["clock_stopped"]
    resumed = client.post(
        f"/api/v1/requests/{reference}/resume", json={"answered_on": "2026-03-02"}, headers=dpo
    )
    assert resumed.json()["state"] == before["state"] and resumed.json()["paused_days"] == 1
    future = client.post(
        f"/api/v1/requests/{reference}/pause", json={"asked_on": "2099-01-01"}, headers=dpo
    )
    assert future.status_code == 422 and future.json()["error"]["type"] == "UsageError"


def test_an_auditor_sees_dates_and_states_but_never_the_person(
    desk: Desk, client: TestClient, token_for: Api
) -> None:
    staff, auditor = token_for(Role.STAFF), token_for(Role.AUDITOR)
    reference = _opened(client, staff)
    client.post(
        f"/api/v1/requests/{reference}/verify", json={"evidence": "passport 123"}, headers=staff
    )
    client.post(f"/api/v1/requests/{reference}/run", headers=staff)
    seen = client.get(f"/api/v1/requests/{reference}", headers=auditor)
    assert seen.status_code == 200
    assert seen.json()["identities"] == [] and seen.json()["verification_evidence"] is None
    assert "passport 123" not in seen.text
    for path in ("package", "letter"):
        refused = client.get(f"/api/v1/requests/{reference}/{path}", headers=auditor)
        assert refused.status_code == 403
        assert refused.json()["error"]["type"] == "Forbidden"
    assert _viewed(desk) == []
    # Staff who may read personal data see the identities, and that look is recorded.
    shown = client.get(f"/api/v1/requests/{reference}", headers=staff)
    assert shown.json()["identities"][0]["evidence"] == "passport 123"
    assert [e.details["what"] for e in _viewed(desk)] == ["identities"]


def test_a_role_without_the_decision_cannot_approve_or_refuse(
    client: TestClient, token_for: Api
) -> None:
    staff, auditor = token_for(Role.STAFF), token_for(Role.AUDITOR)
    reference = _opened(client, staff)
    for headers in (staff, auditor):
        for action, body in (
            ("approve", None),
            ("refuse", {"reason": "no"}),
            ("extend", {"reason": "x", "told_on": "2026-03-02"}),
        ):
            answer = client.post(
                f"/api/v1/requests/{reference}/{action}", json=body, headers=headers
            )
            assert answer.status_code == 403, (action, answer.text)
    opened = client.post(
        "/api/v1/requests", json={"kind": "access", "email": ALICE}, headers=auditor
    )
    assert opened.status_code == 403
    state = client.get(f"/api/v1/requests/{reference}", headers=staff).json()["state"]
    assert state == "received"


def test_an_unknown_reference_is_a_404_in_the_one_error_shape(
    client: TestClient, token_for: Api
) -> None:
    staff = token_for(Role.STAFF)
    for method, path in (
        ("get", ""),
        ("get", "/timeline"),
        ("post", "/run"),
        ("get", "/package"),
        ("post", "/withdraw"),
    ):
        answer = client.request(
            method.upper(), f"/api/v1/requests/DW-2026-999999{path}", headers=staff
        )
        assert answer.status_code == 404, (path, answer.text)
        assert answer.json()["error"]["type"] == "NotFound"
        assert "DW-2026-999999" in answer.json()["error"]["message"]


def test_no_token_or_a_forged_one_is_refused(client: TestClient) -> None:
    assert client.get("/api/v1/requests").status_code == 401
    forged = client.get("/api/v1/requests", headers={"Authorization": "Bearer dw_forged"})
    assert forged.status_code == 401
    assert forged.json()["error"]["type"] == "NotAuthenticated"


def test_hostile_input_is_refused_cleanly(client: TestClient, token_for: Api) -> None:
    staff = token_for(Role.STAFF)
    reference = _opened(client, staff)
    # A reason that would put an address into the audit log is refused before anything is.
    why = client.get(
        f"/api/v1/requests/{reference}", params={"why": "asked by bob@example.com"}, headers=staff
    )
    assert why.status_code == 422
    huge = client.get("/api/v1/requests", params={"limit": 10**6}, headers=staff)
    assert huge.status_code == 422
    unknown = client.post(
        "/api/v1/requests", json={"kind": "access", "email": ALICE, "admin": True}, headers=staff
    )
    assert unknown.status_code == 422
    nobody = client.post("/api/v1/requests", json={"kind": "access"}, headers=staff)
    assert nobody.status_code == 422 and nobody.json()["error"]["type"] == "UsageError"
    wrong = client.post(
        f"/api/v1/requests/{reference}/verify", json={"code": "000000"}, headers=staff
    )
    assert wrong.status_code == 200 and wrong.json()["verified"] is False


def test_the_list_filters_and_pages(client: TestClient, token_for: Api) -> None:
    staff = token_for(Role.STAFF)
    first = _opened(client, staff, received_on="2026-01-20")
    second = _opened(client, staff, kind="erasure", email="bob@example.com")
    listed = client.get("/api/v1/requests", headers=staff).json()
    assert [x["reference"] for x in listed["items"]] == [first, second]
    assert listed["items"][0]["due_status"] == "red" and listed["items"][0]["overdue"]
    assert [
        x["reference"]
        for x in client.get("/api/v1/requests", params={"overdue": True}, headers=staff).json()[
            "items"
        ]
    ] == [first]
    assert [
        x["reference"]
        for x in client.get("/api/v1/requests", params={"kind": "erasure"}, headers=staff).json()[
            "items"
        ]
    ] == [second]
    page = client.get("/api/v1/requests", params={"offset": 1, "limit": 1}, headers=staff).json()
    assert [x["reference"] for x in page["items"]] == [second] and page["total"] == 2
    timeline = client.get(f"/api/v1/requests/{first}/timeline", headers=staff).json()
    assert timeline[0]["said"] == "Request recorded"
    # Who acted: the log's key, and the same in words a member of staff recognises.
    assert timeline[0]["actor"].startswith("token:")
    assert timeline[0]["by"] == 'API token "staff-1"'


def test_records_naming_someone_else_wait_for_review_then_the_request_finishes(
    desk: Desk, client: TestClient, token_for: Api
) -> None:
    # Bob's account carries Alice's number (a shared household phone).
    desk.kestrel.execute("crm", f"UPDATE customers SET phone = '{ALICE_PHONE}' WHERE id = 2")
    staff = token_for(Role.STAFF)
    reference = _opened(client, staff, phone=ALICE_PHONE)
    base = f"/api/v1/requests/{reference}"
    client.post(f"{base}/verify", json={"evidence": "passport seen"}, headers=staff)
    called = client.post(
        f"{base}/verify",
        json={"evidence": "rang the number back; she knew her account", "by_call_back": True},
        headers=staff,
    )
    assert called.json()["not_verified"] == [], called.text
    ran = client.post(f"{base}/run", headers=staff).json()
    assert not ran["finished"] and ran["set_aside"], ran
    waiting = client.get(f"{base}", headers=staff).json()["review"]
    assert ("crm", "customers", None) in [
        (r["system"], r["collection"], r["decision"]) for r in waiting
    ]
    # Including needs a note of what was checked; excluding does not.
    items = [r["id"] for r in waiting]
    unexplained = client.post(f"{base}/review", json={"include": items[:1]}, headers=staff)
    assert unexplained.status_code == 422
    decided = client.post(f"{base}/review", json={"exclude": items}, headers=staff).json()
    assert decided["requeued"]
    assert {i["decision"] for i in decided["items"]} == {"exclude"}
    again = client.post(f"{base}/run", headers=staff).json()
    assert again["finished"], again
    package = client.get(f"{base}/package", headers=staff)
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        data = archive.read("data.json").decode()
    assert "Bob Baker" not in data and "Alice Archer" in data


def test_a_code_sent_by_email_verifies_the_request(
    desk: Desk, client: TestClient, token_for: Api, smtp_server: tuple[Inbox, int]
) -> None:
    inbox, port = smtp_server
    desk.runtime.settings = desk.runtime.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "mail_from": "privacy@kestrel.test"}
    )
    staff = token_for(Role.STAFF)
    reference = _opened(client, staff)
    sent = client.post(f"/api/v1/requests/{reference}/send-code", headers=staff)
    assert sent.status_code == 200, sent.text
    assert sent.json()["sent_to"] == "email"
    code = code_in(inbox.messages[-1])
    verified = client.post(
        f"/api/v1/requests/{reference}/verify", json={"code": code}, headers=staff
    ).json()
    assert verified["verified"] and verified["problem"] is None


def test_a_manual_task_for_a_system_the_request_does_not_have_is_a_404(
    client: TestClient, token_for: Api
) -> None:
    staff = token_for(Role.STAFF)
    reference = _opened(client, staff)
    client.post(f"/api/v1/requests/{reference}/verify", json={"evidence": "seen"}, headers=staff)
    client.post(f"/api/v1/requests/{reference}/run", headers=staff)
    unknown = client.post(
        f"/api/v1/requests/{reference}/task-done", json={"system": "filing-cabinet"}, headers=staff
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["type"] == "NotFound"
    automatic = client.post(
        f"/api/v1/requests/{reference}/task-done", json={"system": "crm"}, headers=staff
    )
    assert automatic.status_code == 409
