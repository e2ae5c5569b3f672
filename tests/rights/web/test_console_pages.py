"""The console's request pages driven as a signed-in browser would (TestClient with the
session cookie and CSRF token): the list, the request's page, its forms, and who sees what."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from browser import StaffAccount, csrf_token, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import select

from dataward.accounts.roles import Role
from dataward.app import create_app
from dataward.audit.models import AuditEvent
from dataward.rights import service, staff_actions
from dataward.rights.casework import PERSONAL_DATA_VIEWED
from dataward.rights.models import RequestKind
from dataward.rights.schemas import OpenRequestIn, VerifyIn

from ..kestrel import ALICE, ALICE_PHONE, BOB
from .conftest import OFFICE, Desk, opened

Console = Callable[[Role], tuple[TestClient, StaffAccount]]


@pytest.fixture
def console(desk: Desk, staff_account: Callable[..., StaffAccount]) -> Iterator[Console]:
    """A signed-in console client for an account of that role."""
    clients: list[TestClient] = []

    def make(role: Role) -> tuple[TestClient, StaffAccount]:
        client = TestClient(create_app(desk.runtime), follow_redirects=False)
        client.__enter__()
        clients.append(client)
        account = staff_account(role)
        sign_in(client, desk.runtime, account)
        return client, account

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def _events(desk: Desk, action: str) -> list[AuditEvent]:
    with desk.runtime.transaction() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.sequence)
            )
        )


def _post(client: TestClient, path: str, **form: str) -> str:
    token = csrf_token(client, path.rsplit("/", 1)[0])
    answer = client.post(path, data={**form, "csrf_token": token})
    assert answer.status_code == 303, answer.text
    location: str = answer.headers["location"]
    return location


def test_the_list_colours_due_dates_and_counts_what_is_overdue(
    desk: Desk, console: Console
) -> None:
    late = opened(desk, received_on=date(2026, 1, 15))
    later = opened(desk, email=BOB, kind=RequestKind.ERASURE)
    client, _ = console(Role.STAFF)
    page = client.get("/console/requests")
    assert page.status_code == 200
    assert re.search(r'id="overdue-count">\s*<strong>1</strong> overdue', page.text)
    rows = re.findall(
        r'<tr class="due-(\w+)">\s*<td><a href="/console/requests/([\w-]+)"', page.text
    )
    assert rows == [("red", late), ("green", later)]
    erasures = client.get("/console/requests", params={"kind": "erasure"})
    assert later in erasures.text and late not in erasures.text
    # htmx asks for the table alone when a filter changes.
    table = client.get(
        "/console/requests", params={"overdue": "true"}, headers={"HX-Request": "true"}
    )
    assert table.text.lstrip().startswith('<div id="request-table">')
    assert late in table.text and later not in table.text
    bad = client.get("/console/requests", params={"state": "nonsense"})
    assert bad.status_code == 422 and "Unknown state" in bad.text


def test_the_request_page_shows_identities_and_records_that_they_were_opened(
    desk: Desk, console: Console
) -> None:
    reference = opened(desk, run=True)
    client, account = console(Role.STAFF)
    page = client.get(f"/console/requests/{reference}")
    assert page.status_code == 200
    assert "driving licence seen" in page.text  # how the identity was verified
    assert "Work done on every system: waiting for a reviewer" in page.text  # the timeline
    for system in ("crm", "billing", "calls"):
        assert f"<td>{system}</td>" in page.text
    assert f"/console/requests/{reference}/package" in page.text
    assert 'action="/console/requests/' + reference + '/approve"' not in page.text  # staff
    looks = _events(desk, PERSONAL_DATA_VIEWED)
    assert [(e.actor, e.object_id, e.details["what"]) for e in looks] == [
        (f"user:{account.id}", reference, "identities")
    ]
    package = client.get(f"/console/requests/{reference}/package")
    assert package.status_code == 200
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        assert "letter.html" in archive.namelist()
    assert [e.details["what"] for e in _events(desk, PERSONAL_DATA_VIEWED)] == [
        "identities",
        "package",
    ]


def test_an_auditor_sees_the_request_without_the_person(desk: Desk, console: Console) -> None:
    reference = opened(desk, run=True)
    client, _ = console(Role.AUDITOR)
    page = client.get(f"/console/requests/{reference}")
    assert page.status_code == 200
    assert "Your role does not show personal data" in page.text
    assert "driving licence seen" not in page.text and "/package" not in page.text
    assert client.get(f"/console/requests/{reference}/package").status_code == 403
    assert _events(desk, PERSONAL_DATA_VIEWED) == []
    token = csrf_token(client, f"/console/requests/{reference}")
    refused = client.post(f"/console/requests/{reference}/approve", data={"csrf_token": token})
    assert refused.status_code == 403
    assert _events(desk, "rights.request.completed") == []


def test_a_dpo_approves_on_the_page_and_the_timeline_says_so(desk: Desk, console: Console) -> None:
    reference = opened(desk, kind=RequestKind.ERASURE, run=True)
    client, account = console(Role.DPO)
    back = _post(client, f"/console/requests/{reference}/approve")
    assert back == f"/console/requests/{reference}?done=approved"
    page = client.get(back)
    assert "Approved: the request is completed." in page.text
    # The timeline names the account as staff know it, not by the log's key.
    assert f'Approved and completed <span class="muted">by {account.name}</span>' in page.text
    assert [e.actor for e in _events(desk, "rights.request.completed")] == [f"user:{account.id}"]


def test_a_refusal_shows_the_letter_and_escapes_what_was_typed(
    desk: Desk, console: Console
) -> None:
    reference = opened(desk)
    client, _ = console(Role.DPO)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = client.get(_post(client, f"/console/requests/{reference}/refuse", reason=payload))
    assert "The refusal letter" in page.text
    assert "&lt;script&gt;alert(" in page.text
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "Information Commissioner" in page.text


def test_forms_pause_resume_extend_and_withdraw(desk: Desk, console: Console) -> None:
    reference = opened(desk, run=False)
    with desk.runtime.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        staff_actions.verify(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            request=request,
            actor=OFFICE,
            proof=VerifyIn(evidence="seen"),
        )
    client, _ = console(Role.DPO)
    base = f"/console/requests/{reference}"
    assert "done=paused" in _post(client, f"{base}/pause", asked_on="2026-03-02")
    assert "clock stopped" in client.get(base).text
    assert "done=resumed" in _post(client, f"{base}/resume", answered_on="2026-03-02")
    assert "done=extended" in _post(
        client, f"{base}/extend", reason="many systems", told_on="2026-03-02"
    )
    page = client.get(base)
    assert "Extended to" in page.text and "many systems" in page.text
    assert "done=withdrawn" in _post(client, f"{base}/withdraw", reason="by phone")
    assert "Withdrawn by the person" in client.get(base).text


def test_the_message_after_an_action_is_never_taken_from_the_address(
    desk: Desk, console: Console
) -> None:
    reference = opened(desk)
    client, _ = console(Role.STAFF)
    page = client.get(f"/console/requests/{reference}", params={"done": "Your account is locked"})
    assert "Your account is locked" not in page.text


def test_the_dashboard_panel_counts_requests(desk: Desk, console: Console) -> None:
    opened(desk, received_on=date(2026, 1, 15))
    client, _ = console(Role.STAFF)
    dashboard = client.get("/console")
    assert dashboard.status_code == 200
    assert "1 overdue" in dashboard.text and "All requests" in dashboard.text


def test_a_system_that_is_down_shows_as_failed_on_the_request_page(
    desk: Desk, console: Console, tmp_path: Path
) -> None:
    broken = {**desk.kestrel.environ, "KESTREL_CRM_URL": f"sqlite:///{tmp_path}/gone/crm.db"}
    env_file = desk.runtime.settings.systems_env_file
    assert env_file is not None
    env_file.write_text("".join(f"{k}={v}\n" for k, v in broken.items()))
    reference = opened(desk)
    client, _ = console(Role.STAFF)
    _post(client, f"/console/requests/{reference}/verify", evidence="passport seen")
    back = _post(client, f"/console/requests/{reference}/run")
    page = client.get(back)
    row = re.search(r'<tr class="task-failed">\s*<td>crm</td>.*?</tr>', page.text, re.S)
    assert row is not None, page.text
    assert '<span class="status-red">failed</span>' in row.group(0)
    assert "crm" in row.group(0) and "Approve" not in page.text


def test_set_aside_records_are_decided_on_the_request_page(desk: Desk, console: Console) -> None:
    desk.kestrel.execute("crm", f"UPDATE customers SET phone = '{ALICE_PHONE}' WHERE id = 2")
    with desk.runtime.transaction() as session:
        request = staff_actions.open_request(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            loaded=desk.kestrel.loaded,
            actor=OFFICE,
            asked=OpenRequestIn(kind=RequestKind.ACCESS, email=ALICE, phone=ALICE_PHONE),
        )
        reference = request.reference
        for proof in (
            VerifyIn(evidence="passport seen"),
            VerifyIn(evidence="rang back", by_call_back=True),
        ):
            staff_actions.verify(
                session=session,
                runtime=desk.runtime,
                keyring=desk.keyring,
                request=request,
                actor=OFFICE,
                proof=proof,
            )
    client, _ = console(Role.STAFF)
    _post(client, f"/console/requests/{reference}/run")
    page = client.get(f"/console/requests/{reference}").text
    items = re.findall(r'name="item" value="(\d+)"', page)
    assert items and "Records set aside for review" in page
    for item in items:
        _post(client, f"/console/requests/{reference}/review", item=item, decision="exclude")
    page = client.get(f"/console/requests/{reference}").text
    assert "Records set aside for review" not in page
    assert "Set-aside record #" in page  # each decision is on the timeline
