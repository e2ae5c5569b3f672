"""Opening a person's records: written down before reading; restricted ones need a role."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.access import records
from dataward.access.models import AccessEvent, AccessFinding
from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import NotFound, UsageError
from dataward.examples.catalogue import policy_path
from dataward.policy.service import LoadedPolicy, load_policy


@pytest.fixture(scope="module")
def voip() -> LoadedPolicy:
    return load_policy(policy_path("voip"))


def _view(
    session: Session, clock: FixedClock, keyring: Keyring, voip: LoadedPolicy, **given: object
) -> records.ViewDecision:
    arguments: dict[str, object] = {
        "actor": "user:7",
        "actor_name": "Sam Agent",
        "job_roles": (),
        "who": records.Lookup.of(email="Caller@Example.com"),
        "system": "crm",
        "collection": "complaints",
        "reason": "complaint C-104",
    }
    arguments.update(given)
    return records.record_view(
        session=session,
        clock=clock,
        keyring=keyring,
        loaded=voip,
        **arguments,  # type: ignore[arg-type]  # the keyword arguments above
    )


def test_an_ordinary_collection_is_viewed_with_an_audit_event_naming_no_one(
    session: Session, clock: FixedClock, keyring: Keyring, voip: LoadedPolicy
) -> None:
    decision = _view(session, clock, keyring, voip, collection="customers", reason=None)
    assert decision.allowed and not decision.restricted
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == records.VIEWED)).one()
    assert event.actor == "user:7" and event.object_id == "crm.customers"
    assert "example.com" not in str(event.details).lower()
    assert event.details["person"] == keyring.identifier_hash("email", "caller@example.com")


def test_a_restricted_collection_needs_a_named_role_and_a_refusal_is_recorded(
    session: Session, clock: FixedClock, keyring: Keyring, voip: LoadedPolicy
) -> None:
    refused = _view(session, clock, keyring, voip, job_roles=("sales",))
    assert not refused.allowed and refused.roles == (
        "complaints_officer", "customer_services_manager",
    )  # fmt: skip
    allowed = _view(session, clock, keyring, voip, job_roles=("complaints_officer",))
    assert allowed.allowed
    rows = {
        r.source_event_id: r
        for r in session.scalars(select(AccessEvent).where(AccessEvent.source == "dataward"))
    }
    assert rows[refused.event_id or ""].role == "sales"
    assert rows[allowed.event_id or ""].role == "complaints_officer"
    findings = session.scalars(select(AccessFinding)).all()
    assert [(f.event_id, f.rule) for f in findings] == [
        (rows[refused.event_id or ""].id, "role-not-named")
    ]
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.sequence))]
    assert actions.count(records.REFUSED) == 1 and actions.count(records.VIEWED) == 1


def test_a_restricted_collection_asks_for_a_reason_first(
    session: Session, clock: FixedClock, keyring: Keyring, voip: LoadedPolicy
) -> None:
    with pytest.raises(UsageError, match="say why"):
        _view(session, clock, keyring, voip, job_roles=("complaints_officer",), reason="  ")
    with pytest.raises(UsageError, match="card number"):
        _view(
            session, clock, keyring, voip, job_roles=("complaints_officer",),
            reason="refund to 4111 1111 1111 1111",
        )  # fmt: skip


def test_an_undeclared_collection_is_not_found(
    session: Session, clock: FixedClock, keyring: Keyring, voip: LoadedPolicy
) -> None:
    with pytest.raises(NotFound):
        _view(session, clock, keyring, voip, system="crm", collection="passwords")
