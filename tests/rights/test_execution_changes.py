"""Rectification, restriction and objection on Kestrel IT's real systems."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dataward.consent import service as consent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.rights.execution import complete_manual_task, run_request
from dataward.rights.models import ItemOutcome, RequestKind, RequestState, TaskMode, TaskState
from dataward.rights.steps import item_reason

from .conftest import MakeContext
from .kestrel import ALICE, ALICE_PHONE, OPERATOR, Kestrel, verified_request

NEW_PHONE = "+447700900555"


def test_rectification_reaches_every_field_of_that_category(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.RECTIFICATION,
        phone=ALICE_PHONE,
        details={"changes": {"user.name": "Alice Archer-Smith"}},
    )
    outcome = run_request(ctx=make_context(), request=request)

    assert request.state == RequestState.AWAITING_REVIEW
    customers = {row["id"]: row for row in kestrel.rows("crm", "customers")}
    assert customers[1]["name"] == "Alice Archer-Smith"
    assert customers[2]["name"] == "Bob Baker"
    assert {(i.system, i.collection, i.outcome) for i in request.items} == {
        ("crm", "customers", ItemOutcome.RECTIFIED)
    }
    assert outcome.notify == ["Deskly Inc", "Mailer Ltd"]


def test_a_value_one_system_cannot_hold_fails_that_system_and_the_others_proceed(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.RECTIFICATION,
        phone=ALICE_PHONE,
        details={"changes": {"user.contact.phone_number": NEW_PHONE}},
    )
    outcome = run_request(ctx=make_context(), request=request)

    tasks = {t.system: t for t in request.tasks}
    # billing_phone holds 11 characters: "+447700900555" is 13.
    assert tasks["billing"].state == TaskState.FAILED
    assert "billing" in (tasks["billing"].last_error or "")
    assert NEW_PHONE not in (tasks["billing"].last_error or "")
    assert tasks["calls"].state == TaskState.DONE
    assert [r["caller"] for r in kestrel.rows("calls", "call_log")] == [NEW_PHONE, "+447700900099"]
    assert request.state == RequestState.IN_PROGRESS
    assert set(outcome.failed) == {"billing"}
    # The crm leads to billing's invoices, so it is not changed until billing is done.
    assert tasks["crm"].state == TaskState.PENDING
    assert kestrel.rows("crm", "customers")[0]["phone"] == ALICE_PHONE
    assert [r["billing_phone"] for r in kestrel.rows("billing", "invoices")][:2] == [
        "07700900001",
        "07700900001",
    ]


def test_a_marketing_objection_suppresses_at_once_and_leaves_a_manual_task(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.OBJECTION,
        purposes=("marketing.communications.email",),
    )
    outcome = run_request(ctx=make_context(), request=request)

    assert consent.is_suppressed(session=db, keyring=keyring, email=ALICE)
    tasks = {t.system: t for t in request.tasks}
    assert (tasks["crm"].mode, tasks["crm"].state) == (TaskMode.MANUAL, TaskState.PENDING)
    assert tasks["crm"].summary["activities"] == ["Newsletter"]
    assert tasks["billing"].state == TaskState.DONE
    assert tasks["billing"].summary["restricted"] == 0
    assert outcome.manual == ["crm"]
    restricted = [i for i in request.items if i.outcome == ItemOutcome.RESTRICTED]
    assert {i.collection for i in restricted} == {"customers", "contracts"}
    assert request.state == RequestState.IN_PROGRESS

    complete_manual_task(session=db, clock=clock, request=request, system="crm", actor=OPERATOR)
    finished = run_request(ctx=make_context(), request=request)
    assert request.state == RequestState.AWAITING_REVIEW
    assert finished.notify == ["Deskly Inc", "Mailer Ltd"]


def test_a_restriction_records_each_record_used_for_the_purpose(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.RESTRICTION,
        phone=ALICE_PHONE,
        purposes=("essential.service.operations.improve",),
    )
    run_request(ctx=make_context(), request=request)

    assert not consent.is_suppressed(session=db, keyring=keyring, email=ALICE)
    restricted = [(i.system, i.collection) for i in request.items]
    assert restricted == [("calls", "call_log")]
    assert item_reason(next(i for i in request.items), keyring=keyring) == (
        "restriction: essential.service.operations.improve"
    )
    tasks = {t.system: t for t in request.tasks}
    assert tasks["calls"].mode == TaskMode.MANUAL
    assert tasks["crm"].state == TaskState.DONE
