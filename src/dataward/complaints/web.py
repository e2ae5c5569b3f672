"""What the complaint API and pages share."""

from __future__ import annotations

from dataward.accounts.guard import Principal
from dataward.complaints import service
from dataward.complaints.models import Complaint
from dataward.complaints.schemas import ComplaintOut, ComplaintSummary, ComplaintUpdateOut
from dataward.policy.schema import Policy


def roles_of(principal: Principal) -> frozenset[str]:
    """The console role and the job roles: the policy's readers may name either."""
    return frozenset({principal.role.value, *principal.job_roles})


def summary(complaint: Complaint, policy: Policy) -> ComplaintSummary:
    counted = service.due(complaint, policy)
    return ComplaintSummary(
        id=complaint.id,
        status=complaint.status,
        channel=complaint.channel,
        received_on=complaint.received_on,
        acknowledge_alert_on=counted.alert_on,
        acknowledge_due_on=counted.report_on,
        acknowledged_at=complaint.acknowledged_at,
        closed_at=complaint.closed_at,
    )


def full(found: service.ComplaintView, policy: Policy) -> ComplaintOut:
    return ComplaintOut(
        **summary(found.complaint, policy).model_dump(),
        name=found.name,
        email=found.email,
        phone=found.phone,
        account=found.account,
        text=found.text,
        outcome=found.outcome,
        updates=[
            ComplaintUpdateOut(written_at=u.written_at, written_by=u.written_by, text=text)
            for u, text in found.updates
        ],
    )
