"""A draft of the regulator's report, in the order the ICO's form asks its questions."""

from __future__ import annotations

from datetime import datetime

from dataward.breaches import clock as breach_clock
from dataward.breaches import service
from dataward.breaches.service import BreachView
from dataward.policy.schema import Policy

NOT_YET = "(not yet known: send it in a later phase)"


def _when(moment: datetime | None, zone: str) -> str:
    if moment is None:
        return NOT_YET
    return f"{breach_clock.local(moment, zone):%d %B %Y %H:%M %Z}"


def _decision(found: BreachView, *kinds: str) -> service.DecisionView | None:
    return next((d for d in found.decisions if d.decision.kind in kinds), None)


def draft(found: BreachView, policy: Policy, *, now: datetime) -> str:
    """Plain text, one numbered section per part of the form; empty answers say so."""
    breach, texts, zone = found.breach, found.texts, found.breach.aware_zone
    org = policy.organisation
    reported = _decision(found, service.REPORT)
    told = _decision(found, service.TELL, service.NOT_TELL)
    phases = [d for d in found.decisions if d.decision.kind == service.FOLLOW_UP]
    late = reported is not None and reported.late_reasons is not None
    contact = org.dpo if org.dpo else None
    sections: list[tuple[str, list[str]]] = [
        (
            "Report type",
            [
                f"Form: {breach_clock.REGIMES[breach.regime]}",
                "Initial report" if not phases else f"Follow-up report (phase {len(phases) + 1})",
                f"Our reference: breach {breach.id}",
            ],
        ),
        (
            "Your organisation",
            [
                f"Organisation: {org.name}",
                f"ICO registration number: {org.ico_registration or '(none recorded)'}",
                f"Registered office: {org.registered_office}",
                "Contact for this report: "
                + (f"{contact.name}, {contact.email}" if contact else org.privacy_contact),
                f"Data protection officer: {'yes' if org.dpo else 'none appointed'}",
            ],
        ),
        (
            "Timing",
            [
                f"When we became aware: {_when(breach.aware_at, zone)}",
                f"Report due (72 hours): {_when(found.deadline, zone)}",
                f"Reported: {_when(found.reported_at, zone) if found.reported_at else 'not yet'}",
                "Reasons for the delay: "
                + (reported.late_reasons or "" if late and reported else "not late"),
            ],
        ),
        (
            "About the breach",
            [
                f"Summary: {texts['summary']}",
                f"What happened: {texts['facts']}",
                f"Systems involved: {', '.join(breach.systems) or NOT_YET}",
            ],
        ),
        (
            "Personal data and people affected",
            [
                f"Categories of personal data: {', '.join(breach.categories) or NOT_YET}",
                "Approximate number of records: "
                + (str(breach.records_count) if breach.records_count is not None else NOT_YET),
                (
                    "Approximate number of subscribers or users affected: "
                    if breach.regime == breach_clock.PECR
                    else "Approximate number of people: "
                )
                + (str(breach.people_count) if breach.people_count is not None else NOT_YET),
                f"Activities affected: {', '.join(breach.activities) or NOT_YET}",
            ],
        ),
        ("Likely consequences", [texts["consequences"] or NOT_YET]),
        ("Measures taken or proposed", [texts["measures"] or NOT_YET]),
        (
            "Telling the people affected",
            [
                (
                    f"Decision: {told.decision.kind.replace('_', ' ')} "
                    f"({(told.decision.ground or '').replace('_', ' ')}): {told.reasons}"
                )
                if told
                else "Decision: not yet made"
            ],
        ),
    ]
    lines = [f"Draft breach report, prepared {_when(now, zone)}", ""]
    for number, (title, answers) in enumerate(sections, start=1):
        lines.append(f"{number}. {title}")
        lines.extend(f"   {answer}" for answer in answers)
        lines.append("")
    return "\n".join(lines)
