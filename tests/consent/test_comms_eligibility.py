"""Eligibility: consent per channel, the soft opt-in evaluated, service channels apart."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from consent.ledger_factories import event, example_policy
from dataward.consent import service as suppression
from dataward.consent.eligibility import Contact, Screener, Verdict, target
from dataward.consent.ledger import LedgerAction, Medium, Method
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError

ON = date(2026, 3, 2)


def _check(
    session: Session, keyring: Keyring, business: str, email: str, **chosen: str | bool
) -> Verdict:
    policy = example_policy(business)
    aim = target(policy, **chosen)  # type: ignore[arg-type]
    screener = Screener(session=session, keyring=keyring, policy=policy, target=aim, on=ON)
    return screener.check(Contact(email=email, phone=None))


def test_marketing_email_needs_consent_for_that_channel(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    assert _check(session, keyring, "msp", "ann@example.com", channel="marketing") == Verdict(
        False, ("no-consent",)
    )
    event(session, keyring, clock, medium=Medium.EMAIL)
    assert _check(session, keyring, "msp", "ann@example.com", channel="marketing") == Verdict(
        True, ("consent",)
    )
    event(session, keyring, clock, medium=Medium.ALL, action=LedgerAction.WITHDRAWN)
    assert _check(session, keyring, "msp", "ann@example.com", channel="marketing").reasons == (
        "withdrawn",
    )


def test_suppression_always_wins(session: Session, keyring: Keyring, clock: FixedClock) -> None:
    event(session, keyring, clock, medium=Medium.EMAIL)
    suppression.suppress(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="test",
        email="ann@example.com",
        reason="unsubscribe link",
    )
    verdict = _check(session, keyring, "msp", "ann@example.com", channel="marketing-email")
    assert verdict == Verdict(False, ("suppressed",))


def test_soft_opt_in_only_for_details_from_a_sale_never_opted_out(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    customer, enquirer = "cust@example.com", "enq@example.com"
    event(session, keyring, clock, email=customer, action=LedgerAction.SALE, medium=Medium.ALL)
    assert _check(session, keyring, "voip", customer, channel="marketing-email") == Verdict(
        True, ("soft-opt-in",)
    )
    assert _check(session, keyring, "voip", enquirer, channel="marketing-email").reasons == (
        "not-eligible-for-soft-opt-in",
    )
    # msp's marketing channel does not allow the soft opt-in: a sale is not consent there.
    event(session, keyring, clock, email=customer, purpose="marketing", action=LedgerAction.SALE)
    assert _check(session, keyring, "msp", customer, channel="marketing").reasons == ("no-consent",)
    # Once opted out, a later sale does not bring the soft opt-in back.
    event(session, keyring, clock, email=customer, action=LedgerAction.WITHDRAWN, medium=Medium.SMS)
    event(session, keyring, clock, email=customer, action=LedgerAction.SALE, medium=Medium.SMS)
    verdict = _check(session, keyring, "voip", customer, channel="marketing", medium="sms")
    assert verdict.reasons == ("no-address",)  # SMS needs a number first
    policy = example_policy("voip")
    aim = target(policy, channel="marketing", medium="sms")
    screener = Screener(session=session, keyring=keyring, policy=policy, target=aim, on=ON)
    assert screener.check(Contact(email=customer, phone="07700 900123")).reasons == (
        "not-eligible-for-soft-opt-in",
    )


def test_service_channels_ignore_opt_outs_and_refuse_marketing(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    event(session, keyring, clock, medium=Medium.ALL, action=LedgerAction.OBJECTED)
    suppression.suppress(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="t",
        email="ann@example.com",
        reason="x",
    )
    for channel in ("service", "emergency"):
        verdict = _check(
            session, keyring, "msp", "ann@example.com", channel=channel, medium="email"
        )
        assert verdict == Verdict(True, ("service-message",))
        with pytest.raises(Conflict, match="can never carry marketing"):
            target(example_policy("msp"), channel=channel, medium="email", marketing=True)


def test_a_purpose_of_its_own_needs_its_own_consent(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    event(session, keyring, clock, medium=Medium.ALL)  # newsletter consent is not enough
    check = {"purpose": "feedback-publication"}
    assert _check(session, keyring, "msp", "ann@example.com", **check).reasons == ("no-consent",)
    event(
        session,
        keyring,
        clock,
        purpose="feedback-publication",
        medium=Medium.ALL,
        method=Method.EMAIL,
    )
    assert _check(session, keyring, "msp", "ann@example.com", **check).allowed


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ({"channel": "nosuch"}, "no channel 'nosuch'"),
        ({"channel": "emergency"}, "carries email, phone, sms: say which"),
        ({"channel": "marketing", "medium": "sms"}, "does not carry sms"),
        ({"channel": "marketing", "purpose": "x"}, "either a channel or a purpose"),
        ({}, "either a channel or a purpose"),
    ],
)
def test_unknown_channels_and_media_are_refused(chosen: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        target(example_policy("msp"), **chosen)  # type: ignore[arg-type]


def test_a_thousand_contacts_are_judged_in_a_few_queries(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    for n in range(0, 30):
        event(session, keyring, clock, email=f"p{n}@example.com", medium=Medium.EMAIL)
    policy = example_policy("msp")
    aim = target(policy, channel="marketing")
    screener = Screener(session=session, keyring=keyring, policy=policy, target=aim, on=ON)
    statements: list[str] = []
    from sqlalchemy import event as sa_event

    connection = session.connection()

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    sa_event.listen(connection, "before_cursor_execute", count)
    try:
        verdicts = screener.verdicts([Contact(f"p{n}@example.com") for n in range(1000)])
    finally:
        sa_event.remove(connection, "before_cursor_execute", count)
    assert sum(v.allowed for v in verdicts) == 30
    assert len(statements) <= 4
