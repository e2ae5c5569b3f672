"""Complaints through the web: the public form (CSRF, honeypot, rate limit), the console for
the roles the policy names only, letters by email, and hostile text escaped on the page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser import StaffAccount, csrf_token, sign_in
from disclosures.web_runtime import client_of, example, runtime_for
from fastapi.testclient import TestClient
from rights.request_factories import Inbox, smtp_server
from sqlalchemy import Engine, select

from dataward.accounts.roles import Role
from dataward.audit.models import AuditEvent
from dataward.complaints.models import Complaint
from dataward.core.runtime import Runtime

MakeAccount = Callable[..., StaffAccount]
HOSTILE = '<script>alert("x")</script> my card 4111 1111 1111 1111 <img src=x onerror=1>'


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def runtime(engine: Engine, tmp_path: Path, mail: tuple[Inbox, int]) -> Iterator[Runtime]:
    yield from runtime_for(
        engine, tmp_path / "home", example("voip"), datetime(2026, 7, 1, 9, tzinfo=UTC), mail[1]
    )


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    yield from client_of(runtime)


def _complain(client: TestClient, **fields: str) -> int:
    token = csrf_token(client, "/complaints/new")
    form = {"csrf_token": token, "name": "Dan Price", "email": "dan@example.net", "text": HOSTILE}
    answer = client.post("/complaints/new", data={**form, **fields})
    return answer.status_code


def test_the_public_form_records_a_complaint_and_refuses_bots_and_floods(
    client: TestClient, runtime: Runtime
) -> None:
    form = client.get("/complaints/new")
    assert form.status_code == 200 and 'name="website"' in form.text
    assert _complain(client) == 303
    no_csrf = client.post("/complaints/new", data={"email": "a@b.example", "text": "x"})
    assert no_csrf.status_code == 403
    assert _complain(client, website="http://spam.example") == 303  # a bot: nothing kept
    missing = client.post(
        "/complaints/new",
        data={"csrf_token": csrf_token(client, "/complaints/new"), "email": "", "text": ""},
    )
    assert missing.status_code == 422 and "so that we can reply" in missing.text
    with runtime.transaction() as session:
        stored = list(session.scalars(select(Complaint)))
    assert [c.channel for c in stored] == ["web"]
    statuses = [_complain(client, email="flood@example.net") for _ in range(4)]
    assert statuses[:3] == [303, 303, 303] and statuses[3] == 429


def test_only_the_named_roles_read_it_and_hostile_text_is_escaped(
    client: TestClient, runtime: Runtime, staff_account: MakeAccount, mail: tuple[Inbox, int]
) -> None:
    assert _complain(client) == 303
    with runtime.transaction() as session:
        number = session.scalars(select(Complaint.id)).one()

    team_leader = staff_account(Role.STAFF, job_roles=("team_leader",))
    sign_in(client, runtime, team_leader)
    listed = client.get("/console/complaints")
    assert listed.status_code == 200 and "card" not in listed.text
    refused = client.get(f"/console/complaints/{number}")
    assert refused.status_code == 403 and "4111" not in refused.text

    client.cookies.clear()
    officer = staff_account(Role.STAFF, job_roles=("complaints_officer",))
    sign_in(client, runtime, officer)
    page = client.get(f"/console/complaints/{number}")
    assert page.status_code == 200
    assert "<script>" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    with runtime.transaction() as session:
        reads = session.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "complaints.read")
        ).all()
    assert reads == [f"user:{officer.id}"]

    token = csrf_token(client, f"/console/complaints/{number}")
    acknowledged = client.post(
        f"/console/complaints/{number}/letters",
        data={"csrf_token": token, "kind": "acknowledgement"},
    )
    assert acknowledged.status_code == 303
    (letter,) = mail[0].messages
    assert letter["To"] == "dan@example.net" and "received your complaint" in letter["Subject"]


def test_the_api_lists_dates_to_all_and_contents_to_readers(
    client: TestClient, runtime: Runtime, staff_account: MakeAccount
) -> None:
    assert _complain(client) == 303
    sign_in(client, runtime, staff_account(Role.DPO))  # the voip policy does not name dpo
    (summary,) = client.get("/api/v1/complaints").json()
    assert summary["acknowledge_alert_on"] == "2026-07-30"
    assert summary["acknowledge_due_on"] == "2026-07-31"
    assert "text" not in summary
    assert client.get(f"/api/v1/complaints/{summary['id']}").status_code == 403
