"""Sweeps on a real SQLite source: what goes, what stays, and the evidence left behind."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, create_engine, select, update

from dataward.audit.models import AuditEvent
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.policy.schema import Policy
from dataward.policy.service import LoadedPolicy
from dataward.retention import evidence, service
from dataward.retention.keys import key_digest
from dataward.retention.models import BatchStatus, SweepBatch, SweepLease, SweepRun
from dataward.retention.plan import Target
from dataward.retention.sweep import sweep

from . import source
from .conftest import policy_document


@pytest.fixture
def helpdesk(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'helpdesk.db'}")
    source.create(engine)
    yield engine
    engine.dispose()


def write_policy(tmp_path: Path, **overrides: Any) -> LoadedPolicy:
    document = policy_document(**overrides)
    path = tmp_path / "dataward.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return LoadedPolicy(policy=Policy.model_validate(document), path=path)


@pytest.fixture
def loaded(tmp_path: Path) -> LoadedPolicy:
    return write_policy(tmp_path)


@pytest.fixture
def environ(helpdesk: Engine) -> dict[str, str]:
    return {"HELPDESK_URL": helpdesk.url.render_as_string(hide_password=False)}


def seed(engine: Engine) -> None:
    # Today is 2026-03-02: 6 years back is 2020-03-02, 2 years 2024-03-02, 3 months 2025-12-02.
    source.load(
        engine,
        source.customers,
        [
            {"id": 1, "email": "old@example.com", "ended_on": date(2019, 5, 1)},
            {"id": 2, "email": "recent@example.com", "ended_on": date(2021, 1, 1)},
            {"id": 3, "email": "current@example.com", "ended_on": None},
            {"id": 4, "email": "edge@example.com", "ended_on": date(2020, 3, 2)},
        ],
    )
    source.load(
        engine,
        source.tickets,
        [
            {"id": 10, "customer_id": 1, "subject": "printer"},
            {"id": 11, "customer_id": 1, "subject": "email"},
            {"id": 12, "customer_id": 2, "subject": "vpn"},
            {"id": 13, "customer_id": 3, "subject": "wifi"},
        ],
    )
    source.load(
        engine,
        source.enquiries,
        [
            {
                "id": 20,
                "from_email": "a@x.com",
                "received_on": date(2023, 1, 1),
                "became_customer": False,
            },
            {
                "id": 21,
                "from_email": "b@x.com",
                "received_on": date(2023, 1, 1),
                "became_customer": True,
            },
            {
                "id": 22,
                "from_email": "c@x.com",
                "received_on": date(2025, 1, 1),
                "became_customer": False,
            },
        ],
    )
    source.load(
        engine,
        source.calls,
        [
            {"site": "bath", "number": 1, "recorded_at": datetime(2025, 11, 30, 9, 0)},
            {"site": "bath", "number": 2, "recorded_at": datetime(2025, 12, 1, 23, 0)},
            {"site": "leeds", "number": 1, "recorded_at": datetime(2025, 12, 2, 9, 0)},
            {"site": "leeds", "number": 2, "recorded_at": datetime(2026, 2, 1, 9, 0)},
        ],
    )


def test_a_sweep_deletes_exactly_the_rows_whose_period_has_ended(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    seed(helpdesk)
    report = sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ)
    assert report.ok
    assert source.keys(helpdesk, source.customers) == {(2,), (3,), (4,)}
    assert source.keys(helpdesk, source.tickets) == {(12,), (13,)}
    assert source.keys(helpdesk, source.enquiries) == {(21,), (22,)}
    assert source.keys(helpdesk, source.calls) == {("leeds", 1), ("leeds", 2)}
    acted = {(o.collection, o.acted) for o in report.outcomes}
    assert acted == {("tickets", 2), ("customers", 1), ("enquiries", 1), ("calls", 2)}


def test_children_are_swept_before_the_parents_they_reference(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    seed(helpdesk)
    report = sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ)
    order = [o.collection for o in report.outcomes]
    assert order.index("tickets") < order.index("customers")


def test_a_second_sweep_right_after_deletes_nothing(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    seed(helpdesk)
    sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ)
    again = sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ)
    assert again.ok
    assert sum(o.found for o in again.outcomes) == 0
    assert sum(o.acted for o in again.outcomes) == 0


def test_each_batch_leaves_evidence_naming_rule_collection_count_and_key_digests(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    seed(helpdesk)
    report = sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ, batch_size=1)
    with runtime.transaction() as session:
        events = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "retention.sweep.batch_deleted")
                .order_by(AuditEvent.sequence)
            )
        )
        batches = list(session.scalars(select(SweepBatch)))
        run = session.get(SweepRun, report.run_id)
        proofs = list(evidence.batch_evidence(session=session, run_id=report.run_id))
    calls = [e.details for e in events if e.details["collection"] == "calls"]
    assert len(calls) == 2  # one per batch of one
    assert {d["rule"] for d in calls} == {"calls-3-months"}
    assert {d["cutoff"] for d in calls} == {"2025-12-02"}
    assert [p.problem for p in proofs] == [None] * len(events)
    assert sorted(p.key_digests[0] for p in proofs if p.collection == "calls") == sorted(
        [key_digest("helpdesk", "calls", ("bath", 1)), key_digest("helpdesk", "calls", ("bath", 2))]
    )
    assert {p.audit_sequence for p in proofs} == {e.sequence for e in events}
    assert all(b.status == BatchStatus.DONE and b.keys is None for b in batches)
    assert run is not None and run.status == "completed"
    assert sum(e.details["count"] for e in events) == 6


def test_a_dry_run_changes_nothing_and_says_what_would_go(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    seed(helpdesk)
    report = sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ, dry_run=True)
    assert report.run_id is None
    assert report.outcome("helpdesk", "calls").acted == 2
    assert report.outcome("helpdesk", "tickets").acted == 2
    assert len(source.keys(helpdesk, source.calls)) == 4
    with runtime.transaction() as session:
        assert session.scalar(select(AuditEvent.sequence).limit(1)) is None
        assert session.scalar(select(SweepRun.id).limit(1)) is None


def test_held_records_and_collections_stay_and_are_reported(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    seed(helpdesk)
    with runtime.transaction() as session:
        record = service.hold_record(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            policy=loaded.policy,
            actor="cli:alice",
            system="helpdesk",
            collection="calls",
            key="bath,1",
            reason="dispute over call",
        )
        whole = service.hold_collection(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            policy=loaded.policy,
            actor="cli:alice",
            system="helpdesk",
            collection="enquiries",
            reason="ICO inquiry",
        )
    report = sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ)
    assert source.keys(helpdesk, source.calls) == {("bath", 1), ("leeds", 1), ("leeds", 2)}
    assert (20,) in source.keys(helpdesk, source.enquiries)
    calls = report.outcome("helpdesk", "calls")
    assert (calls.acted, calls.held, calls.hold_ids) == (1, 1, {record.id})
    enquiries = report.outcome("helpdesk", "enquiries")
    assert (enquiries.status, enquiries.held, enquiries.hold_ids) == ("held", 1, {whole.id})


def test_a_person_hold_keeps_every_record_found_for_that_person(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    seed(helpdesk)
    with runtime.transaction() as session:
        hold = service.hold_person(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            actor="cli:alice",
            email="OLD@example.com",
            reason="claim against us",
        )
    report = sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ)
    # Customer 1 and, through the reference, both their tickets stay.
    assert (1,) in source.keys(helpdesk, source.customers)
    assert {(10,), (11,)} <= source.keys(helpdesk, source.tickets)
    assert report.outcome("helpdesk", "tickets").hold_ids == {hold.id}
    assert report.outcome("helpdesk", "customers").held == 1


def test_anonymise_blanks_the_declared_fields_once(
    runtime: Runtime, keyring: Keyring, tmp_path: Path, helpdesk: Engine, environ: dict[str, str]
) -> None:
    loaded = write_policy(
        tmp_path,
        **{
            "customers-6-years": {
                "period": "6 years",
                "after": "customers.ended_on",
                "action": "anonymise",
                "reason": "statistics",
            }
        },
    )
    seed(helpdesk)
    first = sweep(
        runtime=runtime, keyring=keyring, loaded=loaded, environ=environ, collection="tickets"
    )
    assert first.outcome("helpdesk", "tickets").acted == 2
    subjects = {r["id"]: r["subject"] for r in source.rows(helpdesk, source.tickets)}
    assert subjects == {10: "[gone]", 11: "[gone]", 12: "vpn", 13: "wifi"}
    again = sweep(
        runtime=runtime, keyring=keyring, loaded=loaded, environ=environ, collection="tickets"
    )
    tickets = again.outcome("helpdesk", "tickets")
    assert (tickets.found, tickets.acted, tickets.already_anonymised) == (2, 0, 2)


def test_an_exemption_keeps_matching_rows_past_the_period(
    runtime: Runtime, keyring: Keyring, tmp_path: Path, helpdesk: Engine, environ: dict[str, str]
) -> None:
    loaded = write_policy(
        tmp_path,
        **{
            "calls-3-months": {
                "period": "3 months",
                "after": "recorded_at",
                "exemptions": ["site = 'bath' and number = 2"],
                "reason": "disputes",
            }
        },
    )
    seed(helpdesk)
    report = sweep(
        runtime=runtime, keyring=keyring, loaded=loaded, environ=environ, collection="calls"
    )
    assert source.keys(helpdesk, source.calls) == {("bath", 2), ("leeds", 1), ("leeds", 2)}
    calls = report.outcome("helpdesk", "calls")
    assert (calls.acted, calls.exempt) == (1, 1)
    assert calls.exemptions == {"site = 'bath' and number = 2": 1}


def test_a_review_rule_raises_one_task_instead_of_deleting(
    runtime: Runtime, keyring: Keyring, tmp_path: Path, helpdesk: Engine, environ: dict[str, str]
) -> None:
    loaded = write_policy(
        tmp_path,
        **{
            "calls-3-months": {
                "period": "3 months",
                "after": "recorded_at",
                "action": "review",
                "reason": "kept while relevant",
            }
        },
    )
    seed(helpdesk)
    report = sweep(
        runtime=runtime, keyring=keyring, loaded=loaded, environ=environ, collection="calls"
    )
    sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ, collection="calls")
    assert len(source.keys(helpdesk, source.calls)) == 4
    calls = report.outcome("helpdesk", "calls")
    assert (calls.acted, calls.to_review) == (0, 2)
    with runtime.transaction() as session:
        tasks = service.list_reviews(session=session)
    assert [(t.id, t.rule, t.collection, t.count) for t in tasks] == [
        (calls.review_task, "calls-3-months", "calls", 2)
    ]


def test_a_collection_another_sweep_holds_is_skipped_as_busy(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    from dataward.retention import lease

    seed(helpdesk)
    with runtime.transaction() as session:
        assert lease.acquire(
            session=session,
            clock=runtime.clock,
            system="helpdesk",
            collection="calls",
            holder="elsewhere:1:9",
        )
    report = sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ)
    assert report.outcome("helpdesk", "calls").status == "busy"
    assert len(source.keys(helpdesk, source.calls)) == 4
    assert report.outcome("helpdesk", "customers").acted == 1


def test_a_parent_still_referenced_by_a_held_child_stays_and_the_rest_of_its_batch_goes(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    seed(helpdesk)
    source.load(
        helpdesk,
        source.customers,
        [{"id": 5, "email": "gone@example.com", "ended_on": date(2018, 1, 1)}],
    )
    with runtime.transaction() as session:
        service.hold_record(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            policy=loaded.policy,
            actor="cli:alice",
            system="helpdesk",
            collection="tickets",
            key="10",
            reason="evidence in a claim",
        )
    report = sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ)
    customers = report.outcome("helpdesk", "customers")
    assert (customers.acted, customers.blocked, customers.status) == (1, 1, "done")
    assert "FOREIGN KEY" in (customers.blocked_reason or "").upper()
    assert source.keys(helpdesk, source.customers) == {(1,), (2,), (3,), (4,)}
    assert source.keys(helpdesk, source.tickets) == {(10,), (12,), (13,)}
    with runtime.transaction() as session:
        proofs = list(evidence.batch_evidence(session=session))
    batch = next(p for p in proofs if p.collection == "customers")
    assert (batch.count, batch.problem) == (1, None)
    assert batch.key_digests == [key_digest("helpdesk", "customers", (5,))]
    assert batch.blocked_digests == [key_digest("helpdesk", "customers", (1,))]


def test_evidence_that_no_longer_matches_its_audit_event_is_named(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    seed(helpdesk)
    sweep(runtime=runtime, keyring=keyring, loaded=loaded, environ=environ, collection="calls")
    with runtime.transaction() as session:
        stored = session.scalars(select(SweepBatch)).one()
        digests = (stored.key_digests or "").split("\n")
        stored.key_digests = "\n".join(digests[:-1])  # a record quietly dropped from the list
    with runtime.transaction() as session:
        (proof,) = evidence.batch_evidence(session=session)
    assert proof.problem is not None and "do not match audit event" in proof.problem


def test_a_sweep_that_lost_its_lease_acts_on_nothing_more(
    runtime: Runtime,
    keyring: Keyring,
    loaded: LoadedPolicy,
    helpdesk: Engine,
    environ: dict[str, str],
) -> None:
    seed(helpdesk)

    def steal(stage: str, number: int, target: Target) -> None:
        if stage == "done" and number == 1:
            with runtime.transaction() as session:
                session.execute(update(SweepLease).values(holder="elsewhere:1:99"))

    report = sweep(
        runtime=runtime,
        keyring=keyring,
        loaded=loaded,
        environ=environ,
        collection="calls",
        batch_size=1,
        pause=steal,
    )
    calls = report.outcome("helpdesk", "calls")
    assert (calls.status, calls.acted, calls.batches) == ("failed", 1, 1)
    assert "another sweep took it over" in (calls.error or "")
    assert len(source.keys(helpdesk, source.calls)) == 3
