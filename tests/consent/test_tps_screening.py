"""Screening a call: TPS, CTPS, the 28-day rule and the business's own do-not-call list."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from people.factories import make_keyring

from dataward.consent import service as suppression
from dataward.consent import tps, tps_loading
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime

FILE_DATE = date(2026, 3, 1)
ON_TPS = "01632 960001"
ON_CTPS = "+44 20 7946 0002"
CLEAR = "01632960999"


@pytest.fixture
def keyring() -> Keyring:
    return make_keyring()


@pytest.fixture
def screened(runtime: Runtime, tmp_path: Path) -> Runtime:
    (tmp_path / "tps.txt").write_text("01632960001\n01632960003\n", encoding="ascii")
    (tmp_path / "ctps.txt").write_text("02079460002\n", encoding="ascii")
    for name in ("tps", "ctps"):
        tps_loading.import_list(
            runtime=runtime,
            path=tmp_path / f"{name}.txt",
            list_name=name,
            as_of=FILE_DATE,
            actor="t",
        )
    return runtime


def _verdict(
    runtime: Runtime, keyring: Keyring, number: str, on: date, *, told: bool = False
) -> tps.CallVerdict:
    with runtime.transaction() as session:
        return tps.call_screening(
            session=session, keyring=keyring, number=number, call_on=on, told_no_objection=told
        )


def test_a_clear_number_may_be_called_for_28_days_and_not_on_the_29th(
    screened: Runtime, keyring: Keyring
) -> None:
    last = FILE_DATE + timedelta(days=28)
    assert _verdict(screened, keyring, CLEAR, last) == tps.CallVerdict(True, ())
    stale = _verdict(screened, keyring, CLEAR, last + timedelta(days=1))
    assert stale == tps.CallVerdict(False, ("stale-screening",))


def test_listed_numbers_are_blocked_in_any_format(screened: Runtime, keyring: Keyring) -> None:
    assert _verdict(screened, keyring, ON_TPS, FILE_DATE).reasons == ("tps-listed",)
    assert _verdict(screened, keyring, "+441632960003", FILE_DATE).reasons == ("tps-listed",)
    assert _verdict(screened, keyring, ON_CTPS, FILE_DATE).reasons == ("ctps-listed",)
    stale = _verdict(screened, keyring, ON_TPS, FILE_DATE + timedelta(days=40))
    assert stale.reasons == ("tps-listed", "stale-screening")


def test_without_a_file_nothing_is_screened(runtime: Runtime, keyring: Keyring) -> None:
    assert _verdict(runtime, keyring, CLEAR, FILE_DATE) == tps.CallVerdict(False, ("not-screened",))


def test_the_do_not_call_list_applies_at_once_and_cannot_be_lifted(
    screened: Runtime, keyring: Keyring
) -> None:
    with screened.transaction() as session:
        suppression.suppress(
            session=session,
            keyring=keyring,
            clock=screened.clock,
            actor="cli:sales",
            phone="01632 960999",
            reason="asked not to be called",
        )
    blocked = _verdict(screened, keyring, CLEAR, FILE_DATE, told=True)
    assert blocked == tps.CallVerdict(False, ("do-not-call",))


def test_a_subscriber_who_told_us_they_do_not_object_may_be_called(
    screened: Runtime, keyring: Keyring
) -> None:
    # The ledger's answer lifts TPS/CTPS and, with them, the need for a fresh screening.
    told = _verdict(screened, keyring, ON_TPS, FILE_DATE + timedelta(days=60), told=True)
    assert told == tps.CallVerdict(True, ())


def test_whole_lists_are_looked_up_in_bulk(screened: Runtime) -> None:
    keys = [tps.number_key(n) for n in (ON_TPS, CLEAR, "01632960003")]
    with screened.transaction() as session:
        found = tps.listed_numbers(session=session, list_name="tps", keys=keys)
    assert found == {tps.number_key(ON_TPS), tps.number_key("01632960003")}


def test_a_number_that_is_not_one_is_refused_clearly(screened: Runtime, keyring: Keyring) -> None:
    with pytest.raises(UsageError, match="not a phone number"):
        _verdict(screened, keyring, "call me maybe", FILE_DATE)


def test_a_whole_call_list_gets_the_same_verdicts_as_one_call_at_a_time(
    screened: Runtime, keyring: Keyring
) -> None:
    with screened.transaction() as session:
        suppression.suppress(
            session=session, keyring=keyring, clock=screened.clock, actor="t",
            phone="01632960777", reason="do not call",
        )  # fmt: skip
    numbers = [ON_TPS, ON_CTPS, CLEAR, "01632960777", "+441632960003"]
    for on in (FILE_DATE, FILE_DATE + timedelta(days=29)):
        for told in ((), (ON_TPS, "01632960777")):
            with screened.transaction() as session:
                bulk = tps.screen_calls(
                    session=session, keyring=keyring, numbers=numbers, call_on=on,
                    told_no_objection=told,
                )  # fmt: skip
            one_by_one = [_verdict(screened, keyring, n, on, told=n in told) for n in numbers]
            assert bulk == one_by_one


def test_a_file_switched_in_another_transaction_is_seen_by_the_next_one(
    screened: Runtime, keyring: Keyring, tmp_path: Path
) -> None:
    with screened.sessions() as session:
        first = tps.call_screening(
            session=session, keyring=keyring, number=CLEAR, call_on=FILE_DATE
        )
        session.commit()
        (tmp_path / "newer.txt").write_text("01632960999\n", encoding="ascii")
        tps_loading.import_list(
            runtime=screened, path=tmp_path / "newer.txt", list_name="tps",
            as_of=FILE_DATE, actor="t",
        )  # fmt: skip
        again = tps.call_screening(
            session=session, keyring=keyring, number=CLEAR, call_on=FILE_DATE
        )
    assert first.allowed and again.reasons == ("tps-listed",)
