"""The breach register as the record of processing shows it: one line per breach, per activity."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dataward.breaches.service import NOT_REPORT, REPORT, decisions_of, list_breaches
from dataward.policy.schema import Policy


def register_for_ropa(*, session: Session, policy: Policy) -> dict[str, list[str]]:
    """Activity name → one line per breach recorded against it, directly or by its systems."""
    lines: dict[str, list[str]] = {}
    for breach in list_breaches(session=session):
        hit = set(breach.activities or [])
        hit |= {a.name for a in policy.activities if set(a.systems) & set(breach.systems or [])}
        kinds = {d.kind: d for d in decisions_of(session=session, breach_id=breach.id)}
        if REPORT in kinds:
            reported = kinds[REPORT].reported_at
            outcome = f"reported {reported:%Y-%m-%d}" if reported else "reported"
        elif NOT_REPORT in kinds:
            outcome = "not reported (unlikely to result in a risk)"
        else:
            outcome = "decision on reporting pending"
        line = f"Breach {breach.id}, aware {breach.aware_at:%Y-%m-%d}: {outcome}"
        for name in sorted(hit):
            lines.setdefault(name, []).append(line)
    return lines
