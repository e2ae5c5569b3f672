"""Alerts to the DPO at 24, 48 and 66 hours while a breach's reporting is undecided."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.breaches import clock as breach_clock
from dataward.breaches import service
from dataward.breaches.models import Breach, BreachAlert
from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.errors import ConfigurationError
from dataward.core.mail import new_message, send_mail
from dataward.policy.schema import Policy
from dataward.policy.service import load_policy

ACTOR = "system:breaches"


def dpo_address(policy: Policy) -> str:
    """Where the alerts go: the DPO, or the privacy contact when there is no DPO."""
    org = policy.organisation
    if org.dpo is not None:
        return org.dpo.email
    contact = org.privacy_contact.removeprefix("mailto:")
    if "@" not in contact:
        raise ConfigurationError(
            "breach alerts need an email address, and the policy names no DPO",
            fix="add organisation.dpo with an email, or make privacy_contact an email address",
        )
    return contact


def _policy_of(breach: Breach, settings: Settings) -> Policy:
    for candidate in (breach.policy_path, settings.policy):
        if candidate and Path(candidate).is_file():
            return load_policy(Path(candidate)).policy
    raise ConfigurationError(
        f"breach {breach.id}'s alerts do not know the policy (to find the DPO)",
        fix="set DATAWARD_POLICY to the policy file",
    )


def alert_message(
    *, settings: Settings, to: str, breach: Breach, hours: int, clock: Clock
) -> EmailMessage:
    due = breach_clock.local(breach_clock.deadline(breach.aware_at), breach.aware_zone)
    left = breach_clock.hours_left(breach.aware_at, clock.now())
    message = new_message(
        settings,
        to=to,
        subject=(
            f"Breach {breach.id}: {hours} hours since awareness, "
            f"about {max(left, 0):.0f} hours left"
        ),
        now=clock.now(),
    )
    # No facts in the email: they stay sealed in the register, read in the console.
    message.set_content(
        "\n".join(
            [
                f"Breach {breach.id} has no decision on reporting yet.",
                "",
                f"Report under: {breach_clock.REGIMES[breach.regime]}.",
                f"The report is due by {due:%H:%M %Z on %A %d %B %Y} "
                "(72 hours after the business became aware).",
                "",
                "Record the decision, report or not with the reasons:",
                f"  dataward breaches decide {breach.id} --kind report|not_report --reasons '...'",
            ]
        )
        + "\n"
    )
    return message


def send_due_alerts(
    *, session: Session, clock: Clock, settings: Settings, breach_id: int | None = None
) -> list[tuple[int, int]]:
    """Send each alert whose hour has come, once; (breach, hours) for each one sent."""
    sent: list[tuple[int, int]] = []
    now = clock.now()
    for breach in service.undecided(session=session):
        if breach_id is not None and breach.id != breach_id:
            continue
        done = set(
            session.scalars(select(BreachAlert.hours).where(BreachAlert.breach_id == breach.id))
        )
        due = [
            h
            for h in breach_clock.ALERT_HOURS
            if h not in done and breach_clock.alert_at(breach.aware_at, h) <= now
        ]
        if not due:
            continue
        to = dpo_address(_policy_of(breach, settings))
        for hours in due:
            # The row first: its unique key stops a second sender; if the mail fails the
            # transaction rolls back and the alert is tried again.
            session.add(BreachAlert(breach_id=breach.id, hours=hours, sent_at=now))
            session.flush()
            audit.record(
                session=session,
                clock=clock,
                actor=ACTOR,
                action="breaches.alerted",
                object_type="breach",
                object_id=str(breach.id),
                details={"hours": hours},
            )
            send_mail(
                settings,
                alert_message(settings=settings, to=to, breach=breach, hours=hours, clock=clock),
            )
            sent.append((breach.id, hours))
    return sent
