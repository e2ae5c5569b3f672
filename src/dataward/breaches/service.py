"""The breach register: open a breach, record decisions with reasons, read it back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.breaches import clock as breach_clock
from dataward.breaches.models import Breach, BreachDecision
from dataward.core import jobs
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, NotFound, UsageError
from dataward.policy.service import LoadedPolicy

ALERT_JOB = "breaches.alert"

REPORT, FOLLOW_UP, NOT_REPORT, TELL, NOT_TELL = (
    "report",
    "follow_up",
    "not_report",
    "tell",
    "not_tell",
)
# Each kind of decision and the grounds it may rest on (RULES: Arts 33 and 34).
DECISIONS: dict[str, tuple[str, ...]] = {
    REPORT: ("risk",),
    FOLLOW_UP: ("further_information",),
    NOT_REPORT: ("unlikely_to_result_in_risk",),
    TELL: ("high_risk",),
    NOT_TELL: (
        "not_high_risk",
        "unintelligible",  # e.g. encrypted, with the key safe
        "risk_removed",
        "disproportionate_effort",  # then a public notice instead
    ),
}
# A decision on reporting stops the alerts: the clock is then decided either way.
REPORTING = (REPORT, NOT_REPORT)
SEALED = ("summary", "facts", "consequences", "measures")


@dataclass(frozen=True)
class BreachFacts:
    """What is known when the breach is opened (all free text is sealed)."""

    summary: str
    facts: str
    categories: Sequence[str] = ()
    people_count: int | None = None
    records_count: int | None = None
    consequences: str | None = None
    measures: str | None = None
    systems: Sequence[str] = ()
    activities: Sequence[str] = ()


@dataclass(frozen=True)
class DecisionView:
    decision: BreachDecision
    reasons: str
    late_reasons: str | None
    altered: bool  # the row no longer matches the audit event that recorded it


@dataclass(frozen=True)
class BreachView:
    breach: Breach
    texts: dict[str, str | None]
    decisions: list[DecisionView]

    @property
    def deadline(self) -> datetime:
        return breach_clock.deadline(self.breach.aware_at)

    @property
    def reporting_decided(self) -> bool:
        return any(d.decision.kind in REPORTING for d in self.decisions)

    @property
    def reported_at(self) -> datetime | None:
        reports = [d.decision.reported_at for d in self.decisions if d.decision.kind == REPORT]
        return min((r for r in reports if r is not None), default=None)


def _utc_text(moment: datetime | None) -> str | None:
    # As the database gives it back (UTC), so the event compares equal to the row later.
    return moment.astimezone(UTC).isoformat() if moment else None


def _seal(session: Session, keyring: Keyring, text: str, column: str) -> str:
    return keyring.seal_note(text, context=f"breaches.{column}", session=session)


def _required(value: str, what: str, example: str) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise UsageError(f"{what} is empty", fix=f"say it, e.g. {example}")
    return cleaned


def _check_names(given: Sequence[str], known: set[str], what: str) -> list[str]:
    unknown = [g for g in given if g not in known]
    if unknown:
        raise UsageError(
            f"the policy has no {what} {unknown[0]!r}",
            fix=f"{what}s: {', '.join(sorted(known)) or 'none'}",
        )
    return list(dict.fromkeys(given))


def open_breach(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    loaded: LoadedPolicy,
    actor: str,
    aware_at: datetime,
    aware_zone: str,
    facts: BreachFacts,
) -> Breach:
    """Register a breach and start its clock; the DPO's alerts are queued at 24, 48, 66 hours."""
    if aware_at.tzinfo is None:
        raise UsageError("the moment of awareness needs its time zone")
    if aware_at > clock.now():
        raise UsageError(
            "the business cannot have become aware of a breach in the future",
            fix="give the moment it became aware, e.g. --aware 2026-03-02T09:15",
        )
    for count, what in ((facts.people_count, "people"), (facts.records_count, "records")):
        if count is not None and not 0 <= count <= 10**9:
            raise UsageError(f"the number of {what} must be between 0 and 1,000,000,000")
    policy = loaded.policy
    systems = _check_names(facts.systems, {s.name for s in policy.systems}, "system")
    activities = _check_names(facts.activities, {a.name for a in policy.activities}, "activity")
    regime = breach_clock.PECR if policy.organisation.telecoms_provider else breach_clock.UK_GDPR
    optional = {"consequences": facts.consequences, "measures": facts.measures}
    breach = Breach(
        status="open",
        regime=regime,
        aware_at=aware_at,
        aware_zone=aware_zone,
        summary=_seal(
            session, keyring, _required(facts.summary, "the summary", "'laptop stolen'"), "summary"
        ),
        facts=_seal(
            session, keyring, _required(facts.facts, "the facts", "'what happened'"), "facts"
        ),
        consequences=None,
        measures=None,
        categories=[c.strip() for c in facts.categories if c.strip()],
        people_count=facts.people_count,
        records_count=facts.records_count,
        systems=systems,
        activities=activities,
        policy_path=str(loaded.path),
        opened_at=clock.now(),
        opened_by=actor,
    )
    for column, text in optional.items():
        if text is not None and text.strip():
            setattr(breach, column, _seal(session, keyring, text.strip(), column))
    session.add(breach)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="breaches.opened",
        object_type="breach",
        object_id=str(breach.id),
        details={
            "regime": regime,
            "aware_at": _utc_text(breach.aware_at),
            "deadline": breach_clock.deadline(breach.aware_at).isoformat(),
            "categories": breach.categories,
            "people_count": facts.people_count,
            "records_count": facts.records_count,
            "systems": systems,
            "facts_digest": keyring.digest(facts.facts.strip()),
        },
    )
    for hours in breach_clock.ALERT_HOURS:
        jobs.enqueue(
            session=session,
            clock=clock,
            kind=ALERT_JOB,
            payload={"breach": breach.id, "hours": hours},
            run_after=breach_clock.alert_at(aware_at, hours),
            dedupe_key=f"{ALERT_JOB}:{breach.id}:{hours}",
        )
    return breach


def get_breach(*, session: Session, breach_id: int) -> Breach:
    found = session.get(Breach, breach_id)
    if found is None:
        raise NotFound(f"there is no breach {breach_id}", fix="see `dataward breaches list`")
    return found


def decisions_of(*, session: Session, breach_id: int) -> list[BreachDecision]:
    query = select(BreachDecision).where(BreachDecision.breach_id == breach_id)
    return list(session.scalars(query.order_by(BreachDecision.id)))


def _decision_details(
    keyring: Keyring, decision: BreachDecision, reasons: str, late: str | None
) -> dict[str, object]:
    return {
        "kind": decision.kind,
        "ground": decision.ground,
        "reasons_digest": keyring.digest(reasons),
        "reported_at": _utc_text(decision.reported_at),
        "late_reasons_digest": keyring.digest(late) if late else None,
    }


def decide(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    breach_id: int,
    kind: str,
    ground: str | None,
    reasons: str,
    reported_at: datetime | None = None,
    late_reasons: str | None = None,
) -> BreachDecision:
    """Record one decision with its reasons. A report after the deadline needs the reasons."""
    breach = get_breach(session=session, breach_id=breach_id)
    if kind not in DECISIONS:
        raise UsageError(f"{kind!r} is not a decision", fix=f"one of: {', '.join(DECISIONS)}")
    grounds = DECISIONS[kind]
    chosen = ground or grounds[0]
    if chosen not in grounds:
        raise UsageError(
            f"{chosen!r} is not a ground for {kind}", fix=f"one of: {', '.join(grounds)}"
        )
    reasons = _required(reasons, "the reasons", "'names and emails of 40 customers, unencrypted'")
    earlier = decisions_of(session=session, breach_id=breach_id)
    if kind in REPORTING and any(d.kind in REPORTING for d in earlier):
        raise Conflict(
            f"breach {breach_id} already has a decision on reporting",
            fix="send further information as a follow_up; decisions are never rewritten",
        )
    if kind == FOLLOW_UP and not any(d.kind == REPORT for d in earlier):
        raise Conflict("a follow-up needs a first report", fix="record the report decision first")
    late = late_reasons.strip() if late_reasons and late_reasons.strip() else None
    if kind == REPORT:
        reported_at = reported_at or clock.now()
        if reported_at.tzinfo is None:
            raise UsageError("the moment of the report needs its time zone")
        if reported_at > breach_clock.deadline(breach.aware_at) and late is None:
            due = breach_clock.local(breach_clock.deadline(breach.aware_at), breach.aware_zone)
            raise UsageError(
                f"the report is late (the 72 hours ended {due:%d %B %Y %H:%M %Z}): "
                "the reasons for the delay must be recorded",
                fix="add --late-reasons '...'",
            )
    decision = BreachDecision(
        breach_id=breach.id,
        kind=kind,
        ground=chosen,
        reasons=_seal(session, keyring, reasons, "decision_reasons"),
        reported_at=reported_at if kind in (REPORT, FOLLOW_UP) else None,
        late_reasons=_seal(session, keyring, late, "late_reasons") if late else None,
        decided_at=clock.now(),
        decided_by=actor,
    )
    session.add(decision)
    session.flush()
    event = audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=f"breaches.decided.{kind}",
        object_type="breach",
        object_id=str(breach.id),
        details={"decision": decision.id, **_decision_details(keyring, decision, reasons, late)},
    )
    decision.audit_sequence = event.sequence
    session.flush()
    return decision


def _recorded(session: Session) -> dict[int, tuple[str | None, dict[str, object]]]:
    """The audit events of breach decisions: sequence → (breach, details)."""
    where = audit.EventFilter(action_prefix="breaches.decided")
    return {
        e.sequence: (e.object_id, dict(e.details or {}))
        for e in audit.events(session=session, where=where)
    }


def _altered(
    recorded: dict[int, tuple[str | None, dict[str, object]]],
    keyring: Keyring,
    decision: BreachDecision,
    reasons: str,
    late: str | None,
) -> bool:
    found = recorded.get(decision.audit_sequence or 0)
    if found is None or found[0] != str(decision.breach_id):
        return True
    expected = {"decision": decision.id, **_decision_details(keyring, decision, reasons, late)}
    return found[1] != expected


def view(*, session: Session, keyring: Keyring, breach: Breach) -> BreachView:
    keyring.attach(session)
    texts = {
        column: None
        if getattr(breach, column) is None
        else keyring.open_note(getattr(breach, column), context=f"breaches.{column}")
        for column in SEALED
    }
    decisions = []
    recorded = _recorded(session)
    for decision in decisions_of(session=session, breach_id=breach.id):
        reasons = keyring.open_note(decision.reasons, context="breaches.decision_reasons")
        late = (
            keyring.open_note(decision.late_reasons, context="breaches.late_reasons")
            if decision.late_reasons
            else None
        )
        decisions.append(
            DecisionView(
                decision, reasons, late, _altered(recorded, keyring, decision, reasons, late)
            )
        )
    return BreachView(breach=breach, texts=texts, decisions=decisions)


def list_breaches(*, session: Session, open_only: bool = False) -> list[Breach]:
    query = select(Breach).order_by(Breach.id)
    if open_only:
        query = query.where(Breach.status == "open")
    return list(session.scalars(query))


def undecided(*, session: Session) -> list[Breach]:
    """Open breaches with no decision on reporting yet: their clocks are running."""
    decided = select(BreachDecision.breach_id).where(BreachDecision.kind.in_(REPORTING))
    query = select(Breach).where(Breach.status == "open", Breach.id.not_in(decided))
    return list(session.scalars(query.order_by(Breach.aware_at)))


def close_breach(*, session: Session, clock: Clock, actor: str, breach_id: int) -> Breach:
    breach = get_breach(session=session, breach_id=breach_id)
    if breach.status == "closed":
        raise Conflict(f"breach {breach_id} is already closed")
    if not any(d.kind in REPORTING for d in decisions_of(session=session, breach_id=breach_id)):
        raise Conflict(
            f"breach {breach_id} has no decision on reporting to the regulator",
            fix="record report or not_report with the reasons first",
        )
    breach.status = "closed"
    breach.closed_at = clock.now()
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="breaches.closed",
        object_type="breach",
        object_id=str(breach.id),
    )
    return breach
