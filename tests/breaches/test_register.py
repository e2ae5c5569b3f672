"""Opening a breach, deciding with reasons, and what cannot be rewritten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from dataward.audit.models import AuditEvent
from dataward.audit.verify import verify
from dataward.breaches import service
from dataward.breaches.clock import PECR, UK_GDPR
from dataward.breaches.models import Breach, BreachDecision
from dataward.core.clock import LONDON, FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.policy.service import LoadedPolicy

from .conftest import example_policy

AWARE = datetime(2026, 3, 2, 9, 15, tzinfo=LONDON)
FACTS = service.BreachFacts(
    summary="Laptop stolen from a car",
    facts="Engineer's laptop with the ticket export for Leith Academy, holding Morag's notes",
    categories=["user.name", "user.contact.email"],
    people_count=120,
    records_count=340,
    consequences="Staff contact details could be misused for phishing",
    measures="Remote wipe sent; passwords reset",
    systems=["crm"],
)


def _open(session: Session, keyring: Keyring, clock: FixedClock, loaded: LoadedPolicy) -> Breach:
    return service.open_breach(
        session=session,
        keyring=keyring,
        clock=clock,
        loaded=loaded,
        actor="cli:dpo",
        aware_at=AWARE,
        aware_zone="Europe/London",
        facts=FACTS,
    )


@pytest.fixture
def later() -> FixedClock:
    return FixedClock(datetime(2026, 3, 3, 10, 0, tzinfo=UTC))


def test_facts_are_sealed_and_the_regime_follows_the_policy(
    session: Session, keyring: Keyring, later: FixedClock, schools: LoadedPolicy
) -> None:
    breach = _open(session, keyring, later, schools)
    assert breach.regime == UK_GDPR
    raw = session.execute(text("SELECT facts, summary FROM breaches")).one()
    assert "Morag" not in raw.facts and "Laptop" not in raw.summary
    shown = service.view(session=session, keyring=keyring, breach=breach)
    assert shown.texts["facts"] == FACTS.facts
    assert shown.deadline == AWARE.astimezone(UTC) + timedelta(hours=72)

    telecoms = _open(session, keyring, later, example_policy("telecoms"))
    assert telecoms.regime == PECR


def test_a_breach_cannot_name_a_system_the_policy_lacks_nor_be_in_the_future(
    session: Session, keyring: Keyring, later: FixedClock, schools: LoadedPolicy
) -> None:
    with pytest.raises(UsageError, match="no system 'nas'"):
        service.open_breach(
            session=session, keyring=keyring, clock=later, loaded=schools, actor="cli:dpo",
            aware_at=AWARE, aware_zone="Europe/London",
            facts=service.BreachFacts(summary="s", facts="f", systems=["nas"]),
        )  # fmt: skip
    with pytest.raises(UsageError, match="future"):
        service.open_breach(
            session=session, keyring=keyring, clock=later, loaded=schools, actor="cli:dpo",
            aware_at=later.now() + timedelta(hours=1), aware_zone="Europe/London", facts=FACTS,
        )  # fmt: skip


def test_a_late_report_needs_its_reasons_and_reporting_is_decided_once(
    session: Session, keyring: Keyring, later: FixedClock, schools: LoadedPolicy
) -> None:
    breach = _open(session, keyring, later, schools)
    late = AWARE + timedelta(hours=73)
    with pytest.raises(UsageError, match="late"):
        service.decide(
            session=session, keyring=keyring, clock=later, actor="cli:dpo",
            breach_id=breach.id, kind="report", ground=None,
            reasons="unencrypted contact details", reported_at=late,
        )  # fmt: skip
    service.decide(
        session=session, keyring=keyring, clock=later, actor="cli:dpo",
        breach_id=breach.id, kind="report", ground=None, reasons="unencrypted contact details",
        reported_at=late, late_reasons="the theft was reported to us by the police a day late",
    )  # fmt: skip
    with pytest.raises(Conflict, match="already has a decision"):
        service.decide(
            session=session, keyring=keyring, clock=later, actor="cli:dpo",
            breach_id=breach.id, kind="not_report", ground=None, reasons="second thoughts",
        )  # fmt: skip
    service.decide(
        session=session, keyring=keyring, clock=later, actor="cli:dpo", breach_id=breach.id,
        kind="follow_up", ground=None, reasons="the laptop was recovered, unopened",
    )  # fmt: skip
    service.decide(
        session=session, keyring=keyring, clock=later, actor="cli:dpo", breach_id=breach.id,
        kind="not_tell", ground="disproportionate_effort", reasons="a public notice instead",
    )  # fmt: skip
    shown = service.view(session=session, keyring=keyring, breach=breach)
    assert [d.decision.kind for d in shown.decisions] == ["report", "follow_up", "not_tell"]
    assert shown.decisions[0].late_reasons is not None
    assert not any(d.altered for d in shown.decisions)
    assert service.undecided(session=session) == []


def test_an_unknown_ground_is_refused(
    session: Session, keyring: Keyring, later: FixedClock, schools: LoadedPolicy
) -> None:
    breach = _open(session, keyring, later, schools)
    with pytest.raises(UsageError, match="not a ground for not_tell"):
        service.decide(
            session=session, keyring=keyring, clock=later, actor="cli:dpo",
            breach_id=breach.id, kind="not_tell", ground="too_busy", reasons="x",
        )  # fmt: skip


def test_a_decision_rewritten_in_the_table_or_the_log_is_caught(
    session: Session, keyring: Keyring, later: FixedClock, schools: LoadedPolicy
) -> None:
    breach = _open(session, keyring, later, schools)
    decision = service.decide(
        session=session, keyring=keyring, clock=later, actor="cli:dpo", breach_id=breach.id,
        kind="report", ground=None, reasons="contact details of 120 staff",
    )  # fmt: skip
    # Someone with the database turns the report into a decision not to report.
    session.execute(
        update(BreachDecision).where(BreachDecision.id == decision.id).values(kind="not_report")
    )
    session.expire_all()
    shown = service.view(session=session, keyring=keyring, breach=breach)
    assert shown.decisions[0].altered

    # And if they rewrite the audit event to match, the chain no longer verifies.
    sequence = decision.audit_sequence
    assert verify(session=session).ok
    event = session.get(AuditEvent, sequence)
    assert event is not None
    session.execute(
        update(AuditEvent)
        .where(AuditEvent.sequence == sequence)
        .values(
            details={**event.details, "kind": "not_report"}, action="breaches.decided.not_report"
        )
    )
    session.expire_all()
    report = verify(session=session)
    assert not report.ok and report.problem is not None
    assert report.problem.sequence == sequence
