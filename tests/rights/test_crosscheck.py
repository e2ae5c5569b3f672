"""A proved identity that leads to a row naming someone else: the row waits for staff review
instead of being disclosed or erased."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dataward.connectors.service import FoundRecord, Identities
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.policy.service import LoadedPolicy, load_policy
from dataward.rights import service
from dataward.rights.context import Outcome
from dataward.rights.crosscheck import decide, foreign_identity
from dataward.rights.execution import run_request
from dataward.rights.models import RequestKind, ReviewDecision, RightsRequest, TaskState
from dataward.rights.schemas import PHONE_NUMBER, RequesterIdentities

from .household import (
    ALICE,
    ALICE_PHONE,
    PARTNER,
    Texts,
    build_billing,
    context,
    customer_ids,
    no_gateway,
    verify_email_by_code,
)
from .request_factories import OPERATOR, POLICY, write_policy


@pytest.fixture
def policy(tmp_path: Path) -> LoadedPolicy:
    return write_policy(tmp_path)


@pytest.fixture
def billing(tmp_path: Path) -> str:
    return build_billing(tmp_path / "billing")


def _alice_proves_email_and_phone(
    db: Session, keyring: Keyring, clock: FixedClock, policy: LoadedPolicy, kind: RequestKind
) -> RightsRequest:
    request = service.open_request(
        session=db,
        keyring=keyring,
        clock=clock,
        actor="web:requester",
        kind=kind,
        identities=RequesterIdentities(email=ALICE, phone=ALICE_PHONE),
        policy=policy,
    )
    verify_email_by_code(db, keyring=keyring, clock=clock, request=request)
    texts = Texts()
    service.send_code(
        session=db,
        keyring=keyring,
        clock=clock,
        settings=no_gateway(),
        request=request,
        actor="web:requester",
        by="sms",
        sms=texts,
    )
    assert texts.sent[0][0] == "+447700900001"
    check = service.verify_with_code(
        session=db,
        keyring=keyring,
        clock=clock,
        request=request,
        code=texts.last_code(),
        actor="web:requester",
        identity=PHONE_NUMBER,
    )
    assert check.ok
    db.commit()
    return request


def _run(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    policy: LoadedPolicy,
    url: str,
    home: Path,
    request: RightsRequest,
) -> Outcome:
    ctx = context(db, keyring=keyring, clock=clock, policy=policy, url=url, home=home)
    return run_request(ctx=ctx, request=request)


def _emails_in(outcome: Outcome) -> set[str]:
    assert outcome.package is not None
    with zipfile.ZipFile(io.BytesIO(outcome.package)) as archive:
        data = archive.read("data.json").decode("utf-8")
    return {e for e in (ALICE, PARTNER) if e in data}


def test_the_verified_phone_s_row_naming_another_email_waits_for_review_then_is_left_out(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    policy: LoadedPolicy,
    billing: str,
    tmp_path: Path,
) -> None:
    request = _alice_proves_email_and_phone(db, keyring, clock, policy, RequestKind.ACCESS)
    first = _run(db, keyring, clock, policy, billing, tmp_path / "home", request)

    assert not first.finished and first.package is None
    assert "wait for review" in first.review["billing"]
    assert first.found is not None
    assert [r.row["email"] for r in first.found.records] == [ALICE]
    [aside] = request.review_items
    assert aside.decision is None and "'email'" in aside.reason
    assert PARTNER not in aside.reason
    shown = service.describe(request, keyring=keyring, today_on=clock.now().date())
    assert [i.id for i in shown.review] == [aside.id]

    decide(
        session=db,
        keyring=keyring,
        clock=clock,
        request=request,
        item_id=aside.id,
        decision=ReviewDecision.EXCLUDE,
        actor=OPERATOR,
        note=None,
    )
    db.commit()
    second = _run(db, keyring, clock, policy, billing, tmp_path / "home", request)
    assert second.finished
    assert _emails_in(second) == {ALICE}


def test_staff_can_include_a_set_aside_row_once_they_say_why(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    policy: LoadedPolicy,
    billing: str,
    tmp_path: Path,
) -> None:
    request = _alice_proves_email_and_phone(db, keyring, clock, policy, RequestKind.ACCESS)
    _run(db, keyring, clock, policy, billing, tmp_path / "home", request)
    [aside] = request.review_items
    with pytest.raises(UsageError, match="say what showed"):
        decide(
            session=db,
            keyring=keyring,
            clock=clock,
            request=request,
            item_id=aside.id,
            decision=ReviewDecision.INCLUDE,
            actor=OPERATOR,
            note=" ",
        )
    decide(
        session=db,
        keyring=keyring,
        clock=clock,
        request=request,
        item_id=aside.id,
        decision=ReviewDecision.INCLUDE,
        actor=OPERATOR,
        note="Alice confirmed on the phone that sam@ is her second address",
    )
    db.commit()
    outcome = _run(db, keyring, clock, policy, billing, tmp_path / "home", request)
    assert outcome.finished
    assert _emails_in(outcome) == {ALICE, PARTNER}


def test_an_erasure_leaves_the_row_naming_someone_else_until_staff_decide(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    policy: LoadedPolicy,
    billing: str,
    tmp_path: Path,
) -> None:
    request = _alice_proves_email_and_phone(db, keyring, clock, policy, RequestKind.ERASURE)
    first = _run(db, keyring, clock, policy, billing, tmp_path / "home", request)
    assert not first.finished
    assert customer_ids(billing) == [1, 2, 3, 4]
    [task] = request.tasks
    assert task.state == TaskState.PENDING and "wait for review" in (task.last_error or "")

    [aside] = request.review_items
    decide(
        session=db,
        keyring=keyring,
        clock=clock,
        request=request,
        item_id=aside.id,
        decision=ReviewDecision.EXCLUDE,
        actor=OPERATOR,
        note="Sam is a separate customer",
    )
    db.commit()
    assert _run(db, keyring, clock, policy, billing, tmp_path / "home", request).finished
    assert customer_ids(billing) == [2, 3, 4]


CALLS = """\
        - name: calls
          fields:
            - {name: id, primary_key: true}
            - {name: caller, categories: [user.contact.phone_number], identity: phone_number}
            - {name: callee, categories: [user.contact.phone_number], identity: phone_number}
"""


def test_a_call_between_the_requester_and_someone_else_is_not_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "dataward.yaml"
    path.write_text(POLICY.format(nation="england-and-wales") + CALLS, encoding="utf-8")
    policy = load_policy(path).policy
    proved = Identities.of(email=ALICE, phone=ALICE_PHONE)
    call = {"id": 1, "caller": "07700900001", "callee": "07700900555"}
    assert foreign_identity(policy, FoundRecord("billing", "calls", (1,), call, {}), proved) is None
    partner = {"id": 4, "email": PARTNER, "mobile": "07700900001", "account_number": "AC-4004"}
    reason = foreign_identity(
        policy, FoundRecord("billing", "customers", (4,), partner, {}), proved
    )
    assert reason is not None and "email address ('email')" in reason
