"""What the API and the console share: who acts, and a disclosure as the caller may see it."""

from __future__ import annotations

from dataward.accounts.guard import Principal
from dataward.accounts.roles import Permission
from dataward.disclosures.schemas import DisclosureOut
from dataward.disclosures.service import DisclosureView, Staff


def staff_of(principal: Principal) -> Staff:
    """The console role and the job roles: the policy may name either."""
    return Staff(
        actor=principal.actor, roles=frozenset({principal.role.value, *principal.job_roles})
    )


def shown(found: DisclosureView, principal: Principal) -> DisclosureOut:
    d = found.disclosure
    personal = principal.can(Permission.PERSONAL_DATA_READ)
    return DisclosureOut(
        id=d.id,
        status=d.status,
        requester_kind=d.requester_kind,
        ground=d.ground,
        ground_text=found.ground_text,
        tickets=list(d.tickets or []),
        opened_at=d.opened_at,
        opened_by=d.opened_by,
        decided_at=d.decided_at,
        decided_by=d.decided_by,
        decided_as=d.decided_as,
        released_at=d.released_at,
        package_name=d.package_name,
        package_sha256=d.package_sha256,
        # The auditor reads the register, never the people in it.
        requester=found.requester if personal else None,
        asked=found.asked if personal else None,
        decision_note=found.decision_note if personal else None,
        released_what=found.released_what if personal else None,
    )
