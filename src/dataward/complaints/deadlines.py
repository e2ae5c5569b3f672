"""The two countings of a complaint's acknowledgement (DPA 2018 s.164A; RULES §7).

The statute: within 30 days of receipt, read as received + 29 days (day one is the day of
receipt). ICO guidance: received + 30 days, rolled to the next working day. Dataward alerts on
the first (the stricter) and reports compliance on the second. Working days are the rights
deadlines' calendar: one implementation of the UK's bank holidays, by nation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dataward.policy.schema import Nation
from dataward.rights.deadlines import roll

STATUTE_DAYS = 29
ICO_DAYS = 30


@dataclass(frozen=True)
class AcknowledgementDue:
    received_on: date
    alert_on: date  # the statute's counting: warn staff by then
    report_on: date  # the ICO's counting: late only after this day

    def late(self, acknowledged_on: date) -> bool:
        return acknowledged_on > self.report_on

    def days_left(self, today: date) -> int:
        return (self.alert_on - today).days


def acknowledgement_due(received_on: date, nation: Nation) -> AcknowledgementDue:
    return AcknowledgementDue(
        received_on=received_on,
        alert_on=received_on + timedelta(days=STATUTE_DAYS),
        report_on=roll(received_on + timedelta(days=ICO_DAYS), nation),
    )
