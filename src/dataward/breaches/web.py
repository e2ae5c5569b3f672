"""What the breach API and pages share: a breach as the caller may see it."""

from __future__ import annotations

from datetime import datetime

from dataward.accounts.guard import Principal
from dataward.accounts.roles import Permission
from dataward.breaches import clock as breach_clock
from dataward.breaches.schemas import BreachOut, DecisionOut
from dataward.breaches.service import BreachView


def shown(found: BreachView, principal: Principal, now: datetime) -> BreachOut:
    b = found.breach
    # The auditor sees the register's dates, counts and decisions, never the facts.
    personal = principal.can(Permission.PERSONAL_DATA_READ)
    texts = found.texts if personal else dict.fromkeys(found.texts)
    return BreachOut(
        id=b.id,
        status=b.status,
        regime=b.regime,
        form=breach_clock.REGIMES[b.regime],
        aware_at=breach_clock.local(b.aware_at, b.aware_zone),
        deadline=breach_clock.local(found.deadline, b.aware_zone),
        hours_left=round(breach_clock.hours_left(b.aware_at, now), 1),
        reporting_decided=found.reporting_decided,
        categories=list(b.categories or []),
        people_count=b.people_count,
        records_count=b.records_count,
        systems=list(b.systems or []),
        activities=list(b.activities or []),
        decisions=[
            DecisionOut(
                id=d.decision.id,
                kind=d.decision.kind,
                ground=d.decision.ground,
                reported_at=d.decision.reported_at,
                decided_at=d.decision.decided_at,
                decided_by=d.decision.decided_by,
                altered=d.altered,
                reasons=d.reasons if personal else None,
                late_reasons=d.late_reasons if personal else None,
            )
            for d in found.decisions
        ],
        summary=texts["summary"],
        facts=texts["facts"],
        consequences=texts["consequences"],
        measures=texts["measures"],
    )
