"""Erasure requests run on Kestrel IT's real systems: what goes, what stays and why."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit.models import AuditEvent
from dataward.consent import service as consent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.people import service as people
from dataward.people.service import PersonErased
from dataward.retention import service as retention
from dataward.rights.execution import run_request
from dataward.rights.models import ItemOutcome, RequestKind, RequestState, TaskState
from dataward.rights.steps import item_reason

from .conftest import MakeContext
from .kestrel import ALICE, ALICE_PHONE, BOB, OPERATOR, Kestrel, verified_request


def _ids(kestrel: Kestrel, system: str, table: str) -> list[int]:
    return [row["id"] for row in kestrel.rows(system, table)]


def test_erasure_deletes_tickets_and_keeps_invoices_under_legal_obligation(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ERASURE
    )
    outcome = run_request(ctx=make_context(), request=request)

    assert request.state == RequestState.AWAITING_REVIEW
    assert _ids(kestrel, "crm", "tickets") == [12]  # Bob's ticket stays
    # The 2019 invoice is past its 6 years (March 2025); the 2025 one is kept until 2031.
    assert _ids(kestrel, "billing", "invoices") == [31, 32]
    items = {(i.system, i.collection, i.outcome) for i in request.items}
    assert ("crm", "tickets", ItemOutcome.ERASED) in items
    assert ("billing", "invoices", ItemOutcome.ERASED) in items
    kept = [i for i in request.items if i.outcome == ItemOutcome.KEPT]
    invoice = next(i for i in kept if i.collection == "invoices")
    assert (invoice.ground, invoice.until_on) == ("legal_obligation", date(2031, 6, 1))
    assert item_reason(invoice, keyring=keyring) == "HMRC requires accounting records for 6 years"
    assert outcome.notify == ["Deskly Inc", "Ledger & Co LLP", "Mailer Ltd"]


def test_a_running_contract_is_kept_and_its_customer_anonymised_not_deleted(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ERASURE
    )
    run_request(ctx=make_context(), request=request)

    assert _ids(kestrel, "crm", "contracts") == [20]
    customers = {row["id"]: row for row in kestrel.rows("crm", "customers")}
    assert customers[1]["email"] is None
    assert customers[1]["phone"] is None
    assert customers[1]["name"] is None
    assert customers[2]["email"] == BOB
    contract = next(i for i in request.items if i.collection == "contracts")
    assert (contract.outcome, contract.ground, contract.until_on) == (
        ItemOutcome.KEPT,
        "contract",
        None,
    )
    customer = next(i for i in request.items if i.collection == "customers")
    assert customer.outcome == ItemOutcome.ANONYMISED


def test_erasure_suppresses_the_person_and_forgets_dataward_s_own_copy(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.ERASURE,
        phone="07700 900001",
    )
    run_request(ctx=make_context(), request=request)

    assert consent.is_suppressed(session=db, keyring=keyring, email=ALICE)
    assert consent.is_suppressed(session=db, keyring=keyring, phone=ALICE_PHONE)
    person = people.get_person(session=db, pseudonym=request.person_pseudonym)
    assert person.forgotten
    with pytest.raises(PersonErased):
        people.reveal(session=db, keyring=keyring, person=person)
    assert _ids(kestrel, "calls", "call_log") == [41]


def test_a_second_access_request_finds_only_what_the_erasure_kept(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    erasure = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ERASURE
    )
    run_request(ctx=make_context(), request=erasure)
    access = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ACCESS
    )
    outcome = run_request(ctx=make_context(), request=access)

    assert outcome.found is not None
    found = sorted((r.system, r.collection, r.key) for r in outcome.found.records)
    assert found == [("billing", "invoices", (31,)), ("crm", "contracts", (20,))]
    assert outcome.package is not None
    import io
    import zipfile

    letter = zipfile.ZipFile(io.BytesIO(outcome.package)).read("letter.html").decode()
    assert "Records we are keeping despite an erasure request" in letter
    assert "HMRC requires accounting records for 6 years" in letter
    assert "1 June 2031" in letter


def test_a_legal_hold_on_the_person_keeps_everything_with_its_reason(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    retention.hold_person(
        session=db,
        keyring=keyring,
        clock=clock,
        actor=OPERATOR,
        reason="claim 2026/14 pending",
        email=ALICE,
        review_on=date(2026, 9, 1),
    )
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ERASURE
    )
    run_request(ctx=make_context(), request=request)

    assert _ids(kestrel, "crm", "tickets") == [10, 11, 12]
    assert {i.outcome for i in request.items} == {ItemOutcome.HELD}
    assert {(i.ground, item_reason(i, keyring=keyring), i.until_on) for i in request.items} == {
        ("legal_hold", "claim 2026/14 pending", date(2026, 9, 1))
    }


def test_a_legal_hold_on_one_record_keeps_that_record_only(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    retention.hold_record(
        session=db,
        keyring=keyring,
        clock=clock,
        policy=kestrel.loaded.policy,
        actor=OPERATOR,
        system="crm",
        collection="tickets",
        key="11",
        reason="complaint under investigation",
    )
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ERASURE
    )
    run_request(ctx=make_context(), request=request)

    assert _ids(kestrel, "crm", "tickets") == [11, 12]
    held = [i for i in request.items if i.outcome == ItemOutcome.HELD]
    assert [(i.collection, i.ground, item_reason(i, keyring=keyring)) for i in held] == [
        ("tickets", "legal_hold", "complaint under investigation")
    ]
    # The held ticket points at Alice's customer row, so the row stays, anonymised.
    assert kestrel.rows("crm", "customers")[0]["email"] is None


def test_erasure_evidence_names_records_by_digest_only(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ERASURE
    )
    run_request(ctx=make_context(), request=request)
    events = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_id == request.reference)
        .where(AuditEvent.action == "rights.erasure.applied")
    ).all()
    assert sorted(e.details["system"] for e in events) == ["billing", "crm"]
    by_place = {
        (e.details["system"], part["collection"]): part
        for e in events
        for part in e.details["collections"]
    }
    tickets = by_place[("crm", "tickets")]
    assert tickets["erased"]["count"] == 2
    digests = {i.key_digest for i in request.items if i.collection == "tickets"}
    assert set(tickets["erased"]["key_digests"]) == digests
    assert by_place[("billing", "invoices")]["kept"]["grounds"] == ["legal_obligation"]
    assert ALICE not in json.dumps([e.details for e in events])
    # Tickets go before the customer row they point to.
    crm = next(e for e in events if e.details["system"] == "crm")
    order = [part["collection"] for part in crm.details["collections"]]
    assert order.index("tickets") < order.index("customers")


def test_a_system_failing_mid_erasure_resumes_without_redoing_or_double_counting(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    # The call recorder refuses deletes, as a read-only replica would.
    kestrel.execute(
        "calls",
        "CREATE TRIGGER read_only BEFORE DELETE ON call_log "
        "BEGIN SELECT RAISE(ABORT, 'the call log is read-only'); END",
    )
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.ERASURE,
        phone=ALICE_PHONE,
    )
    first = run_request(ctx=make_context(), request=request)

    tasks = {t.system: t for t in request.tasks}
    assert request.state == RequestState.IN_PROGRESS
    assert (tasks["crm"].state, tasks["billing"].state) == (TaskState.DONE, TaskState.DONE)
    assert tasks["calls"].state == TaskState.FAILED
    assert tasks["calls"].attempts == 3
    assert "read-only" in (tasks["calls"].last_error or "")
    assert ALICE_PHONE not in (tasks["calls"].last_error or "")
    assert set(first.failed) == {"calls"}
    # Nothing is forgotten while the request is unfinished: the retry needs the identities.
    assert not people.get_person(session=db, pseudonym=request.person_pseudonym).forgotten
    crm_finished = tasks["crm"].finished_at
    items_before = len(request.items)

    kestrel.execute("calls", "DROP TRIGGER read_only")
    clock.advance(hours=1)
    second = run_request(ctx=make_context(), request=request)

    assert request.state == RequestState.AWAITING_REVIEW
    assert second.failed == {}
    assert tasks["crm"].finished_at == crm_finished
    assert tasks["calls"].state == TaskState.DONE
    assert _ids(kestrel, "calls", "call_log") == [41]
    assert len(request.items) == items_before
    assert tasks["calls"].summary["erased"] == 1
    assert tasks["billing"].summary == {
        "collections": {"invoices": {"erased": 1, "kept": 1}},
        "erased": 1,
        "kept": 1,
    }


def test_a_system_found_through_another_waits_until_that_one_is_done(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    # Invoices are reached through the crm's customer emails: anonymising the crm first
    # would cut the path to invoices still to be erased, so the crm waits for billing.
    kestrel.execute(
        "billing",
        "CREATE TRIGGER read_only BEFORE DELETE ON invoices "
        "BEGIN SELECT RAISE(ABORT, 'the archive is read-only'); END",
    )
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ERASURE
    )
    outcome = run_request(ctx=make_context(), request=request)

    tasks = {t.system: t for t in request.tasks}
    assert tasks["billing"].state == TaskState.FAILED
    assert tasks["crm"].state == TaskState.PENDING
    assert "waiting for system 'billing'" in (tasks["crm"].last_error or "")
    assert set(outcome.waiting) == {"crm"}
    assert _ids(kestrel, "crm", "tickets") == [10, 11, 12]

    kestrel.execute("billing", "DROP TRIGGER read_only")
    run_request(ctx=make_context(), request=request)
    assert request.state == RequestState.AWAITING_REVIEW
    assert _ids(kestrel, "crm", "tickets") == [12]
    assert _ids(kestrel, "billing", "invoices") == [31, 32]
