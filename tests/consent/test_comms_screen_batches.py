"""A whole list screened in batches (the suppression list held in memory, TPS asked a thousand
numbers at a time) decides every row as the one-contact check does, for every drop reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from consent.ledger_factories import FORM, example_policy
from dataward.consent import service as suppression
from dataward.consent import tps, tps_loading
from dataward.consent.eligibility import Contact, Screener, Verdict, target
from dataward.consent.ledger import Contact as Who
from dataward.consent.ledger import Entry, LedgerAction, Medium, Method, record
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime

FILE_DATE = date(2026, 2, 20)
ON = date(2026, 3, 2)
LATER = date(2026, 3, 25)  # past the 28 days: every screening is stale
ON_TPS, ON_CTPS = "01632960001", "+44 20 7946 0002"


@pytest.fixture
def prepared(runtime: Runtime, keyring: Keyring, tmp_path: Path) -> Runtime:
    (tmp_path / "tps.txt").write_text("01632960001\n01632960003\n", encoding="ascii")
    (tmp_path / "ctps.txt").write_text("02079460002\n01632960003\n", encoding="ascii")
    for name in ("tps", "ctps"):
        tps_loading.import_list(
            runtime=runtime, path=tmp_path / f"{name}.txt", list_name=name, as_of=FILE_DATE,
            actor="t",
        )  # fmt: skip
    with runtime.transaction() as session:
        for email, phone in (("gone@example.com", None), (None, "01632 960050")):
            suppression.suppress(
                session=session, keyring=keyring, clock=runtime.clock, actor="t",
                email=email, phone=phone, reason="asked",
            )  # fmt: skip
        for phone, action in (
            ("01632960003", LedgerAction.GIVEN),  # told us they do not object: TPS lifted
            ("01632960060", LedgerAction.WITHDRAWN),
            ("01632960070", LedgerAction.OBJECTED),
        ):
            record(
                session=session, keyring=keyring, clock=runtime.clock, actor="t",
                contact=Who(phone=phone),
                entry=Entry(purpose="telemarketing", medium=Medium.PHONE, action=action,
                            wording=FORM, method=Method.CALL_NOTE),
            )  # fmt: skip
    return runtime


CALLS = [
    Contact(email="someone@example.com", phone="01632 960999"),  # allowed, not objected
    Contact(phone=ON_TPS),  # tps-listed
    Contact(phone=ON_CTPS),  # ctps-listed
    Contact(phone="01632960003"),  # on both, but told us they do not object
    Contact(email="gone@example.com", phone="01632960100"),  # suppressed by email
    Contact(phone="+441632960050"),  # suppressed by number
    Contact(phone="01632960060"),  # withdrawn
    Contact(phone="01632960070"),  # objected
    Contact(email="no-phone@example.com"),  # no-address
    Contact(email="not an address", phone="01632960101"),  # invalid-address
    Contact(phone="12"),  # invalid-address
]


def _screen(session: object, keyring: Keyring, on: date, *, whole_list: bool) -> Screener:
    policy = example_policy("voip")
    aim = target(policy, channel="telemarketing")
    return Screener(
        session=session, keyring=keyring, policy=policy, target=aim, on=on,  # type: ignore[arg-type]
        whole_list=whole_list,
    )  # fmt: skip


@pytest.mark.parametrize("on", [ON, LATER])
@pytest.mark.parametrize("limit", [None, 0])  # 0: too long to hold, asked per batch instead
def test_batches_decide_as_one_contact_at_a_time(
    prepared: Runtime,
    keyring: Keyring,
    on: date,
    limit: int | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if limit is not None:
        monkeypatch.setattr(suppression, "SNAPSHOT_LIMIT", limit)
    contacts = CALLS * 400  # more than one batch
    with prepared.transaction() as session:
        batched = _screen(session, keyring, on, whole_list=True).verdicts(contacts)
        single = _screen(session, keyring, on, whole_list=False)
        one_by_one = [single.check(contact) for contact in CALLS]
        calls = [
            tps.call_screening(session=session, keyring=keyring, number=c.phone, call_on=on)
            for c in CALLS[:3]
        ]
    assert batched == one_by_one * 400
    reasons = {reason for verdict in one_by_one for reason in verdict.reasons}
    expected = {"suppressed", "withdrawn", "objected", "no-address", "invalid-address"}
    if on == ON:
        assert one_by_one[:4] == [
            Verdict(True, ("not-objected",)),
            Verdict(False, ("tps-listed",)),
            Verdict(False, ("ctps-listed",)),
            Verdict(True, ("consent",)),
        ]
        assert reasons >= expected | {"tps-listed", "ctps-listed", "not-objected", "consent"}
    else:
        assert one_by_one[0] == Verdict(False, ("stale-screening",))
        assert one_by_one[1] == Verdict(False, ("tps-listed", "stale-screening"))
        assert reasons >= expected | {"stale-screening"}
    # The calls agree with the one-number screening (its own queries, its own ordering).
    for contact, call in zip(CALLS[:3], calls, strict=True):
        verdict = batched[CALLS.index(contact)]
        assert verdict.reasons == (call.reasons or ("not-objected",))


def test_a_screen_uses_the_suppression_list_as_it_stood_when_it_started(
    prepared: Runtime, keyring: Keyring
) -> None:
    late = Contact(email="late@example.com", phone="01632960999")
    with prepared.transaction() as session:
        screener = _screen(session, keyring, ON, whole_list=True)
        suppression.suppress(
            session=session, keyring=keyring, clock=prepared.clock, actor="t",
            email="late@example.com", reason="asked during the screen",
        )  # fmt: skip
        assert screener.check(late) == Verdict(True, ("not-objected",))
        assert _screen(session, keyring, ON, whole_list=True).check(late) == Verdict(
            False, ("suppressed",)
        )
        assert _screen(session, keyring, ON, whole_list=False).check(late).reasons == (
            "suppressed",
        )
