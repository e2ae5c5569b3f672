"""Restriction (Art 18) and objection (Art 21): which systems use the person's data for a purpose.

Dataward cannot switch off a purpose inside a business's CRM, so each system holding the
person's data for that purpose gets a manual task for staff, and every such record is logged as
restricted. An objection to direct marketing is absolute: the person goes on the suppression
list at once, which every later send and import is filtered against (S-08).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.connectors.service import FoundRecord
from dataward.consent import service as consent
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.people import service as people
from dataward.policy.schema import Activity, Policy
from dataward.rights.holdings import activities_for_purpose, covers, record_categories, related
from dataward.rights.models import RequestKind, RequestState, RightsRequest

MARKETING = "marketing"
# Systems Dataward itself runs: stopping the purpose there needs no one's hands.
AUTOMATIC_CONNECTORS = frozenset({"dataward"})


def is_marketing(purpose: str) -> bool:
    return covers(MARKETING, purpose)


def check_purposes(policy: Policy, purposes: Sequence[str]) -> None:
    if not purposes:
        raise UsageError(
            "say which purpose the request is about", fix="add --purpose KEY, e.g. marketing"
        )
    for purpose in purposes:
        if not activities_for_purpose(policy, purpose):
            known = ", ".join(sorted({a.purpose for a in policy.activities}))
            raise UsageError(
                f"no activity in the policy has purpose {purpose!r}",
                fix=f"use one of the policy's purposes (or a broader key): {known}",
            )


@dataclass(frozen=True)
class SystemScope:
    system: str
    activities: list[Activity]
    records: list[FoundRecord]
    automatic: bool


@dataclass(frozen=True)
class RestrictionScope:
    purposes: list[str]
    activities: list[Activity]
    systems: list[SystemScope] = field(default_factory=list)

    @property
    def marketing(self) -> bool:
        return any(is_marketing(p) for p in self.purposes)


def plan_restriction(
    *, policy: Policy, records: Sequence[FoundRecord], purposes: Sequence[str]
) -> RestrictionScope:
    """The records each system uses for these purposes: a system is in scope only when it
    actually holds the person's data in a category one of those activities uses."""
    activities: list[Activity] = []
    for purpose in purposes:
        for activity in activities_for_purpose(policy, purpose):
            if activity not in activities:
                activities.append(activity)
    systems: list[SystemScope] = []
    for declared in policy.systems:
        mine = [a for a in activities if declared.name in a.systems]
        if not mine:
            continue
        used = {c for a in mine for c in a.categories}
        hits = [
            r
            for r in records
            if r.system == declared.name
            and any(related(held, c) for held in record_categories(r) for c in used)
        ]
        if hits:
            systems.append(
                SystemScope(
                    system=declared.name,
                    activities=mine,
                    records=hits,
                    automatic=declared.connector in AUTOMATIC_CONNECTORS,
                )
            )
    return RestrictionScope(purposes=list(purposes), activities=activities, systems=systems)


STOPPING_KINDS = (RequestKind.RESTRICTION, RequestKind.OBJECTION)
NOT_IN_FORCE = (RequestState.REFUSED, RequestState.WITHDRAWN)


def stopped_purposes(
    *, session: Session, keyring: Keyring, email: str | None = None, phone: str | None = None
) -> set[str]:
    """Purposes the person restricted or objected to, by requests neither refused nor
    withdrawn: what must not be done with their data again (S-07)."""
    person = people.find_person(session=session, keyring=keyring, email=email, phone=phone)
    if person is None:
        return set()
    query = select(RightsRequest.purposes).where(
        RightsRequest.person_id == person.id,
        RightsRequest.kind.in_(STOPPING_KINDS),
        RightsRequest.state.not_in(NOT_IN_FORCE),
    )
    return {purpose for purposes in session.scalars(query) for purpose in purposes or ()}


def purpose_stopped(
    *,
    session: Session,
    keyring: Keyring,
    purpose: str,
    email: str | None = None,
    phone: str | None = None,
) -> bool:
    """May this person's data be used for `purpose`? No, when they stopped it or a broader
    purpose, and never for marketing once they are on the suppression list."""
    stopped = stopped_purposes(session=session, keyring=keyring, email=email, phone=phone)
    if any(covers(p, purpose) for p in stopped):
        return True
    return is_marketing(purpose) and consent.is_suppressed(
        session=session, keyring=keyring, email=email, phone=phone
    )
