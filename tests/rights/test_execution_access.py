"""Access and portability requests run on Kestrel IT's real systems."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.people import service as people
from dataward.rights.execution import run_request
from dataward.rights.models import RequestKind, RequestState, TaskMode, TaskState
from dataward.rights.packages import open_package, package_path

from .conftest import MakeContext
from .kestrel import ALICE, NOBODY, Kestrel, verified_request


def _zip(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def _data(content: bytes) -> Any:
    return json.loads(_zip(content).read("data.json"))


def test_access_finds_the_person_in_every_system_and_waits_for_review(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ACCESS
    )
    outcome = run_request(ctx=make_context(), request=request)

    assert request.state == RequestState.AWAITING_REVIEW
    assert {t.system: t.state for t in request.tasks} == {
        "crm": TaskState.DONE,
        "billing": TaskState.DONE,
        "calls": TaskState.DONE,
    }
    crm = next(t for t in request.tasks if t.system == "crm")
    assert crm.summary["collections"] == {"contracts": 1, "customers": 1, "tickets": 2}
    assert outcome.package is not None
    data = _data(outcome.package)
    systems = data["systems"]
    assert [r["fields"]["id"]["value"] for r in systems["crm"]["tickets"]] == [10, 11]
    assert sorted(r["fields"]["id"]["value"] for r in systems["billing"]["invoices"]) == [30, 31]
    # Found by the phone number the crm holds, though the request only gave an email? No:
    # the call log is searched by the identities given, so Alice's call needs her phone.
    assert "calls" not in systems
    customer = systems["crm"]["customers"][0]["fields"]
    assert customer["email"] == {"value": ALICE, "categories": ["user.contact.email"]}
    searched = {(s["system"], s["collection"]): s for s in data["searched"]}
    assert searched[("crm", "tickets")]["how"] == "searched"
    assert searched[("calls", "call_log")] == {
        "system": "calls",
        "collection": "call_log",
        "how": "not searchable by the details given",
        "records": 0,
    }


def test_access_package_holds_csv_letter_and_readme_and_is_stored_sealed(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.ACCESS,
        phone="07700 900001",
    )
    ctx = make_context()
    outcome = run_request(ctx=ctx, request=request)
    assert outcome.package is not None
    archive = _zip(outcome.package)
    names = set(archive.namelist())
    assert {"README.txt", "data.json", "letter.html", "csv/crm/tickets.csv"} <= names
    assert "csv/calls/call_log.csv" in names
    tickets = archive.read("csv/crm/tickets.csv").decode("utf-8-sig").splitlines()
    assert tickets[0] == "id,customer_id,subject,opened_on"
    assert tickets[1] == "10,1,Printer offline,2025-11-03"
    letter = archive.read("letter.html").decode()
    for expected in (
        "Customer support",
        "Accounts",
        "Deskly Inc",
        "Ledger &amp; Co LLP",
        "the UK Extension to the EU-US Data Privacy Framework",
        "Information Commissioner",
        "0303 123 1113",
        "privacy@kestrel.example",
        "6 years from the \u2018issued on\u2019 date",
        "Call logging",
    ):
        assert expected in letter, expected
    # Newsletter uses email and name in the crm, which Alice's customer row holds.
    assert "Newsletter" in letter
    assert "withdraw your consent" in letter

    sealed = package_path(ctx.home, request.reference)
    assert sealed.exists()
    assert b"Printer offline" not in sealed.read_bytes()
    person = people.get_person(session=db, pseudonym=request.person_pseudonym)
    assert (
        open_package(
            session=db,
            keyring=keyring,
            person=person,
            home=ctx.home,
            reference=request.reference,
        )
        == outcome.package
    )


def test_the_call_log_is_searched_when_the_phone_number_is_given(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.ACCESS,
        phone="07700 900001",
    )
    outcome = run_request(ctx=make_context(), request=request)
    assert outcome.package is not None
    calls = _data(outcome.package)["systems"]["calls"]["call_log"]
    assert [r["fields"]["id"]["value"] for r in calls] == [40]


def test_access_for_someone_not_held_says_no_personal_data_is_held(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.ACCESS,
        email=NOBODY,
    )
    outcome = run_request(ctx=make_context(), request=request)
    assert request.state == RequestState.AWAITING_REVIEW
    assert outcome.package is not None
    letter = _zip(outcome.package).read("letter.html").decode()
    assert "we hold no personal data about\nyou" in letter
    assert "Customer support" not in letter
    assert "customers" in letter  # what was searched is still listed (Art 15(1A))
    assert _data(outcome.package)["systems"] == {}


def test_search_is_recorded_in_the_audit_log_without_personal_data(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ACCESS
    )
    run_request(ctx=make_context(), request=request)
    events = db.scalars(select(AuditEvent).where(AuditEvent.object_id == request.reference)).all()
    actions = [e.action for e in events]
    assert "rights.search.done" in actions
    assert actions.count("rights.task.done") == 3
    assert "rights.package.stored" in actions
    search = next(e for e in events if e.action == "rights.search.done")
    assert "crm.tickets" in search.details["searched"]
    assert search.details["records"] == 6
    assert ALICE not in json.dumps([e.details for e in events])


def test_portability_leaves_out_what_is_held_under_a_legal_obligation(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.PORTABILITY
    )
    outcome = run_request(ctx=make_context(), request=request)
    assert request.state == RequestState.AWAITING_REVIEW
    assert outcome.package is not None
    archive = _zip(outcome.package)
    data = json.loads(archive.read("data.json"))
    assert set(data["systems"]) == {"crm"}
    assert "letter.html" not in archive.namelist()
    customer = data["systems"]["crm"]["customers"][0]["fields"]
    # Only fields a consent or contract activity uses: the id and dates carry no such category.
    assert set(customer) == {"email", "phone", "name"}
    assert "legal obligation" not in data["notes"][0] or "consent" in data["notes"][0]


def test_a_system_without_a_connector_becomes_a_manual_task(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    policy = kestrel.loaded.policy.model_copy(deep=True)
    paper = policy.systems[0].model_copy(
        update={"name": "paper files", "connector": "paper", "connection": {}}
    )
    policy.systems.append(paper)
    loaded = type(kestrel.loaded)(policy=policy, path=kestrel.loaded.path)
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ACCESS
    )
    outcome = run_request(ctx=make_context(loaded=loaded), request=request)
    task = next(t for t in request.tasks if t.system == "paper files")
    assert (task.mode, task.state) == (TaskMode.MANUAL, TaskState.PENDING)
    assert outcome.manual == ["paper files"]
    assert request.state == RequestState.IN_PROGRESS
    assert outcome.package is None
