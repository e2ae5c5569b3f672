"""The register: sealed where it names people, append-only, idempotent, chained, checked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from access.conftest import session_event
from dataward.access import service
from dataward.access.models import AccessEvent, AccessFinding, AppendOnly
from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.policy.schema import Policy


def _ingest(
    session: Session, clock: FixedClock, keyring: Keyring, policy: Policy, *events: object
) -> list[service.Ingested]:
    return service.ingest(
        session=session,
        clock=clock,
        keyring=keyring,
        policy=policy,
        source="remotereach",
        events=list(events),  # type: ignore[arg-type]  # AccessEventIn from session_event
        actor="token:remotereach",
    )


def test_names_are_sealed_and_client_and_device_stay_plain(
    session: Session, clock: FixedClock, keyring: Keyring, msp_policy: Policy
) -> None:
    (done,) = _ingest(session, clock, keyring, msp_policy, session_event("rr-1"))
    stored = (
        session.execute(text("SELECT * FROM access_events WHERE id = :id"), {"id": done.event.id})
        .one()
        ._asdict()
    )
    raw = " ".join(str(v) for v in stored.values())
    for name in ("Priya", "jbloggs", "10.20.30.40", "acme-lt-014.acme"):
        assert name not in raw
    assert stored["client"] == "Acme Ltd" and stored["device"] == "ACME-LT-014"
    assert service.unsealed(keyring, done.event)["engineer"] == "Priya Shah"
    entry = session.scalar(
        select(AuditEvent).where(AuditEvent.sequence == done.event.audit_sequence)
    )
    assert entry is not None and entry.action == service.RECORDED
    assert "Priya" not in str(entry.details)


def test_a_repeated_event_id_returns_the_first_event_and_adds_no_row(
    session: Session, clock: FixedClock, keyring: Keyring, msp_policy: Policy
) -> None:
    (first,) = _ingest(session, clock, keyring, msp_policy, session_event("rr-2"))
    again = _ingest(
        session, clock, keyring, msp_policy,
        session_event("rr-2", engineer="Someone Else"), session_event("rr-2"),
    )  # fmt: skip
    assert [a.event.id for a in again] == [first.event.id, first.event.id]
    assert all(a.repeated for a in again)
    rows = session.scalars(select(AccessEvent).where(AccessEvent.source_event_id == "rr-2"))
    assert len(list(rows)) == 1
    assert service.unsealed(keyring, first.event)["engineer"] == "Priya Shah"


def test_the_register_refuses_to_change_or_delete_an_event(
    session: Session, clock: FixedClock, keyring: Keyring, msp_policy: Policy
) -> None:
    (done,) = _ingest(session, clock, keyring, msp_policy, session_event("rr-3"))
    done.event.attended = False
    with pytest.raises(AppendOnly):
        session.flush()
    session.rollback()
    (done,) = _ingest(session, clock, keyring, msp_policy, session_event("rr-3b"))
    session.delete(done.event)
    with pytest.raises(AppendOnly):
        session.flush()


@pytest.mark.parametrize(
    ("changes", "rules"),
    [
        ({"attended": False, "warning_shown": False, "reason": "maintenance"}, []),
        ({"attended": False, "warning_shown": False, "reason": "support"},
         ["unattended-not-maintenance"]),
        ({"attended": False, "reason": "maintenance", "device_in_use": True},
         ["unattended-while-in-use"]),
        ({"warning_shown": False}, ["no-warning"]),
        ({"warning_shown": None}, ["no-warning"]),
        ({"kind": "backup_access", "reason": "Client request"}, []),
        ({"kind": "backup_access", "reason": "curiosity"}, ["backup-reason"]),
        ({"kind": "backup_access", "reason": None}, ["backup-reason"]),
        ({"kind": "cctv_view"}, ["no-incident"]),
        ({"kind": "cctv_export", "incident": "INC-7"}, []),
    ],
)  # fmt: skip
def test_rules_raise_findings_on_arrival(
    session: Session,
    clock: FixedClock,
    keyring: Keyring,
    msp_policy: Policy,
    changes: dict[str, object],
    rules: list[str],
) -> None:
    (done,) = _ingest(session, clock, keyring, msp_policy, session_event("rr-r", **changes))
    assert done.findings == rules
    stored = session.scalars(select(AccessFinding).where(AccessFinding.event_id == done.event.id))
    assert sorted(f.rule for f in stored) == sorted(rules)


def test_a_listen_by_a_role_the_policy_does_not_name_is_a_finding(
    session: Session, clock: FixedClock, keyring: Keyring, msp_policy: Policy
) -> None:
    policy = Policy.model_validate(
        {
            **msp_policy.model_dump(),
            "access_rules": {"roles": {"recording_listen": ["quality_lead"]}},
        }
    )
    ok, bad = _ingest(
        session, clock, keyring, policy,
        session_event("l-1", kind="recording_listen", role="Quality lead"),
        session_event("l-2", kind="recording_listen", role="sales"),
    )  # fmt: skip
    assert ok.findings == [] and bad.findings == ["role-not-named"]


def test_the_daily_check_raises_what_a_changed_policy_now_forbids_once(
    session: Session, clock: FixedClock, keyring: Keyring, msp_policy: Policy
) -> None:
    (done,) = _ingest(
        session, clock, keyring, msp_policy,
        session_event("rr-d", kind="backup_access", reason="audit"),
    )  # fmt: skip
    assert done.findings == ["backup-reason"]
    stricter = Policy.model_validate(
        {**msp_policy.model_dump(), "access_rules": {"backup_reasons": ["client_request"]}}
    )
    _ingest(
        session, clock, keyring, msp_policy,
        session_event("rr-e", kind="backup_access", reason="integrity_test"),
    )  # fmt: skip
    since = clock.now() - timedelta(days=31)
    raised = service.recheck(
        session=session, clock=clock, policy=stricter, since=since, actor="job:test"
    )
    assert raised == 1  # rr-e only: rr-d's finding is not raised twice
    assert (
        service.recheck(
            session=session, clock=clock, policy=stricter, since=since, actor="job:test"
        )
        == 0
    )


def test_the_register_matches_its_audit_entries_until_a_row_is_altered(
    session: Session, clock: FixedClock, keyring: Keyring, msp_policy: Policy
) -> None:
    _ingest(session, clock, keyring, msp_policy, session_event("rr-v1"), session_event("rr-v2"))
    assert service.verify_register(session=session, keyring=keyring) is None
    session.execute(
        text("UPDATE access_events SET attended = :no WHERE source_event_id = 'rr-v2'"),
        {"no": False},
    )
    problem = service.verify_register(session=session, keyring=keyring)
    assert problem is not None and "rr-v2" in problem and "altered" in problem


def test_a_report_lists_a_clients_events_in_a_period_with_their_findings(
    session: Session, clock: FixedClock, keyring: Keyring, msp_policy: Policy
) -> None:
    from dataward.access.report import Period, report_rows

    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    _ingest(
        session, clock, keyring, msp_policy,
        session_event("p-1", started_at=start),
        session_event("p-2", started_at=start + timedelta(days=1), warning_shown=False),
        session_event("p-3", started_at=start + timedelta(days=40)),
        session_event("p-4", started_at=start, client="Other Ltd"),
    )  # fmt: skip
    rows = list(
        report_rows(
            session=session,
            keyring=keyring,
            period=Period(start.date(), start.date() + timedelta(days=10)),
            client="Acme Ltd",
            device=None,
        )
    )
    assert [r["engineer"] for r in rows] == ["Priya Shah", "Priya Shah"]
    assert rows[1]["findings"] == ["the on-screen warning was not shown"]
