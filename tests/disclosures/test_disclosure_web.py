"""The disclosure register through the console and the API: approval by a named job role,
never one's own, release with the upload's digest; the auditor sees no personal data."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from browser import StaffAccount, csrf_token, sign_in
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from dataward.accounts import tokens
from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime

from .web_runtime import client_of, example, runtime_for

MakeAccount = Callable[..., StaffAccount]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def runtime(engine: Engine, tmp_path: Path) -> Iterator[Runtime]:
    yield from runtime_for(
        engine, tmp_path / "home", example("msp"), datetime(2026, 3, 2, 10, tzinfo=UTC)
    )


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    yield from client_of(runtime)


def _token(runtime: Runtime, role: Role) -> dict[str, str]:
    with runtime.transaction() as session:
        _, secret = tokens.create_token(
            session=session, clock=runtime.clock, name=f"{role.value}-tool", role=role,
            actor="test:fixture",
        )  # fmt: skip
    return {"Authorization": f"Bearer {secret}"}


def test_console_open_approve_and_release_by_two_people(
    client: TestClient, runtime: Runtime, staff_account: MakeAccount, tmp_path: Path
) -> None:
    engineer = staff_account(Role.STAFF, job_roles=("engineer",))
    director = staff_account(Role.STAFF, job_roles=("managing_director",))
    sign_in(client, runtime, engineer)
    token = csrf_token(client, "/console/disclosures")
    form = {
        "csrf_token": token, "requester_kind": "client_company",
        "requester": f"Harbour Dental {SCRIPT}", "ground": "controller_instruction",
        "asked": "reception PC session log 4111 1111 1111 1111", "tickets": "T-1 T-2",
        "email": "left@harbour.example",
    }  # fmt: skip
    # A card number in the free text is refused, not stored.
    with_card = client.post("/console/disclosures", data=form)
    assert with_card.status_code == 422 and "payment card number" in with_card.text
    opened = client.post("/console/disclosures", data=form | {"asked": "reception PC session log"})
    assert opened.status_code == 303, opened.text
    page_url = opened.headers["location"]
    page = client.get(page_url)
    assert SCRIPT not in page.text and "&lt;script&gt;" in page.text
    # The engineer cannot approve (no approver role), nor could they approve their own.
    refused = client.post(
        f"{page_url}/decision", data={"csrf_token": token, "note": "ok", "decision": "approve"}
    )
    assert refused.status_code == 422 and "no role the policy allows" in refused.text
    package = tmp_path / "log.csv"
    package.write_bytes(b"when,device\n2026-02-27,RECEPTION\n")
    early = client.post(
        f"{page_url}/release",
        data={"csrf_token": token, "released_what": "the log"},
        files={"package": ("log.csv", package.read_bytes(), "text/csv")},
    )
    assert early.status_code == 422 and "has not been approved" in early.text

    client.cookies.clear()
    sign_in(client, runtime, director)
    token = csrf_token(client, page_url)
    approved = client.post(
        f"{page_url}/decision",
        data={"csrf_token": token, "note": "contract clause 7", "decision": "approve"},
    )
    assert approved.status_code == 303
    released = client.post(
        f"{page_url}/release",
        data={"csrf_token": token, "released_what": "the log"},
        files={"package": ("log.csv", package.read_bytes(), "text/csv")},
    )
    assert released.status_code == 303, released.text
    shown = client.get(page_url).text
    assert hashlib.sha256(package.read_bytes()).hexdigest() in shown
    assert "managing_director" in shown


def test_the_api_gates_and_the_auditor_sees_no_personal_data(
    client: TestClient, runtime: Runtime
) -> None:
    dpo = _token(runtime, Role.DPO)
    body = {
        "requester_kind": "police", "requester": "PC 4471", "ground": "crime_and_taxation",
        "asked": "address of the customer", "tickets": ["T-9"],
    }  # fmt: skip
    made = client.post("/api/v1/disclosures", json=body, headers=dpo)
    assert made.status_code == 201, made.text
    number = made.json()["id"]
    own = client.post(f"/api/v1/disclosures/{number}/approve", json={"note": "x"}, headers=dpo)
    assert own.status_code == 409  # the same token opened it
    release = {"released_what": "x", "package_name": "p.zip", "package_sha256": "a" * 64}
    blocked = client.post(f"/api/v1/disclosures/{number}/release", json=release, headers=dpo)
    assert blocked.status_code == 409
    auditor = _token(runtime, Role.AUDITOR)
    (listed,) = client.get("/api/v1/disclosures", headers=auditor).json()
    assert listed["ground"] == "crime_and_taxation" and listed["requester"] is None
    assert client.post("/api/v1/disclosures", json=body, headers=auditor).status_code == 403
    assert client.get("/api/v1/disclosures").status_code == 401
    assert client.get("/api/v1/disclosures/99999", headers=dpo).status_code == 404
