"""A request searches only by the identities its requester proved: an emailed code proves the
email address, not a phone number or an account number typed in beside it."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.policy.service import LoadedPolicy
from dataward.rights import service
from dataward.rights.context import Outcome
from dataward.rights.execution import run_request
from dataward.rights.models import RequestKind, RightsRequest
from dataward.rights.requester import requester_of
from dataward.rights.schemas import RequesterIdentities

from .household import (
    BOB,
    BOB_ACCOUNT,
    BOB_PHONE,
    MALLORY,
    build_billing,
    context,
    customer_ids,
    verify_email_by_code,
)
from .request_factories import OPERATOR, write_policy

PACKAGED = (RequestKind.ACCESS, RequestKind.PORTABILITY)


@pytest.fixture
def policy(tmp_path: Path) -> LoadedPolicy:
    return write_policy(tmp_path)


@pytest.fixture
def billing(tmp_path: Path) -> str:
    return build_billing(tmp_path / "billing")


def _mallory_asks(
    db: Session, keyring: Keyring, clock: FixedClock, policy: LoadedPolicy, **given: object
) -> RightsRequest:
    request = service.open_request(
        session=db,
        keyring=keyring,
        clock=clock,
        actor="web:requester",
        kind=given.pop("kind"),  # type: ignore[arg-type]  # a RequestKind, from the test
        identities=RequesterIdentities(email=MALLORY, **given),  # type: ignore[arg-type]
        policy=policy,
    )
    verify_email_by_code(db, keyring=keyring, clock=clock, request=request)
    db.commit()
    return request


def _run(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    policy: LoadedPolicy,
    billing: str,
    tmp_path: Path,
    request: RightsRequest,
) -> Outcome:
    ctx = context(
        db, keyring=keyring, clock=clock, policy=policy, url=billing, home=tmp_path / "home"
    )
    return run_request(ctx=ctx, request=request)


def _package_text(outcome: Outcome) -> str:
    assert outcome.package is not None
    with zipfile.ZipFile(io.BytesIO(outcome.package)) as archive:
        return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def _check_only_mallory_reached(
    outcome: Outcome, kind: RequestKind, billing: str, dropped: str
) -> None:
    assert outcome.finished
    assert outcome.found is not None
    assert [r.row["email"] for r in outcome.found.records] == [MALLORY]
    assert any(line.startswith(dropped) for line in outcome.dropped), outcome.dropped
    if kind in PACKAGED:
        text = _package_text(outcome)
        assert BOB not in text and BOB_ACCOUNT not in text and "07700900002" not in text
        assert "We did not search by the" in text
    else:
        # Bob's row is untouched in the real source; only Mallory's own is gone.
        assert customer_ids(billing) == [1, 2, 4]


@pytest.mark.parametrize("kind", [RequestKind.ACCESS, RequestKind.PORTABILITY, RequestKind.ERASURE])
def test_attack_unverified_phone_identity(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    policy: LoadedPolicy,
    billing: str,
    tmp_path: Path,
    kind: RequestKind,
) -> None:
    request = _mallory_asks(db, keyring, clock, policy, kind=kind, phone=BOB_PHONE)
    outcome = _run(db, keyring, clock, policy, billing, tmp_path, request)
    _check_only_mallory_reached(outcome, kind, billing, "phone: it was not verified")


@pytest.mark.parametrize("kind", [RequestKind.ACCESS, RequestKind.PORTABILITY, RequestKind.ERASURE])
def test_attack_unverified_reference_identity(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    policy: LoadedPolicy,
    billing: str,
    tmp_path: Path,
    kind: RequestKind,
) -> None:
    request = _mallory_asks(
        db, keyring, clock, policy, kind=kind, extra={"account_number": BOB_ACCOUNT}
    )
    outcome = _run(db, keyring, clock, policy, billing, tmp_path, request)
    _check_only_mallory_reached(outcome, kind, billing, "ref:account_number: it was not verified")


def test_the_request_shows_which_identities_were_not_searched_and_why(
    db: Session, keyring: Keyring, clock: FixedClock, policy: LoadedPolicy
) -> None:
    request = _mallory_asks(
        db,
        keyring,
        clock,
        policy,
        kind=RequestKind.ACCESS,
        phone=BOB_PHONE,
        extra={"account_number": BOB_ACCOUNT},
    )
    detail = json.loads(
        service.describe(request, keyring=keyring, today_on=clock.now().date()).model_dump_json()
    )
    shown = {i["identity"]: i for i in detail["identities"]}
    assert shown["email"]["verified"] and shown["email"]["method"] == "email_code"
    assert not shown["phone"]["searched_by"]
    assert "sent by SMS" in shown["phone"]["dropped_because"]
    assert not shown["ref:account_number"]["searched_by"]
    assert "staff" in shown["ref:account_number"]["dropped_because"]


def test_a_reference_staff_checked_is_searched_by(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    policy: LoadedPolicy,
    billing: str,
    tmp_path: Path,
) -> None:
    request = _mallory_asks(
        db, keyring, clock, policy, kind=RequestKind.ACCESS, extra={"account_number": "AC-3003"}
    )
    service.verify_with_evidence(
        session=db,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=OPERATOR,
        identity="account_number",
        evidence="checked invoice INV-123 against the caller's postcode",
    )
    db.commit()
    who = requester_of(db, keyring, request)
    assert who.extra == {"account_number": "AC-3003"}
    assert who.dropped == []
    outcome = _run(db, keyring, clock, policy, billing, tmp_path, request)
    assert outcome.finished and outcome.dropped == []


def test_a_phone_cannot_be_proved_by_documents_only_by_code_or_call_back(
    db: Session, keyring: Keyring, clock: FixedClock, policy: LoadedPolicy
) -> None:
    from dataward.core.errors import UsageError

    request = _mallory_asks(db, keyring, clock, policy, kind=RequestKind.ACCESS, phone=BOB_PHONE)
    with pytest.raises(UsageError, match="SMS or by calling it back"):
        service.verify_with_evidence(
            session=db,
            keyring=keyring,
            clock=clock,
            request=request,
            actor=OPERATOR,
            identity="phone_number",
            evidence="passport seen",
        )
    service.verify_with_evidence(
        session=db,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=OPERATOR,
        identity="phone_number",
        call_back=True,
        evidence="rang the number on the account; the holder confirmed the request",
    )
    assert requester_of(db, keyring, request).phone == "+447700900002"
