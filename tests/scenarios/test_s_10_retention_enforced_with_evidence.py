"""S-10: retention is enforced, not promised: when a rule's period ends the data is deleted
automatically, with evidence in the audit log (which rule, when, what), unless on legal hold,
and the evidence chain verifies."""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from retention.scenario import BACKENDS, Deployment, day_of, deploy
from sqlalchemy import select

from dataward.audit.models import AuditEvent
from dataward.audit.verify import verify
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.retention import evidence, service
from dataward.retention.keys import key_digest
from dataward.retention.sweep import sweep

# Today is 2026-03-02: the cutoffs of the support business's rules.
CUTOFFS = {
    "calls-3-months": date(2025, 12, 2),
    "remote-sessions-1-year": date(2025, 3, 2),
    "unsubscribed-1-month": date(2026, 2, 2),
    "enquiries-2-years": date(2024, 3, 2),
    "customer-relationship-6-years": date(2020, 3, 2),
    "accounts-6-years": date(2020, 3, 2),
}


@pytest.fixture(params=BACKENDS)
def support(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    with deploy("support", tmp_path / "systems", request.param) as deployment:
        yield deployment


def swept(support: Deployment) -> dict[tuple[str, str], set[Any]]:
    return {
        (system.name, collection.name): support.ids(system.name, collection.name)
        for system in support.loaded.policy.systems
        if system.dataset
        for collection in system.dataset.collections
        if collection.retention
    }


def test_s_10_expired_data_goes_with_evidence_of_rule_time_and_records_unless_held(
    support: Deployment, runtime: Runtime, clock: FixedClock
) -> None:
    before = swept(support)

    def expired(system: str, table: str, field: str, rule: str) -> set[Any]:
        return {
            r["id"]
            for r in support.rows(system, table)
            if r[field] is not None and day_of(r[field]) < CUTOFFS[rule]  # type: ignore[operator]
        }

    due = {
        ("recordings", "calls"): expired("recordings", "calls", "recorded_at", "calls-3-months"),
        ("remote", "sessions"): expired(
            "remote", "sessions", "started_at", "remote-sessions-1-year"
        ),
        ("mailing", "subscribers"): expired(
            "mailing", "subscribers", "unsubscribed_on", "unsubscribed-1-month"
        ),
    }
    assert all(due.values()), "the example has expired records of each kind"
    held_session = min(due[("remote", "sessions")])
    keyring = Keyring(secrets.token_bytes(32))
    with runtime.transaction() as session:
        service.hold_record(
            session=session,
            keyring=keyring,
            clock=clock,
            policy=support.loaded.policy,
            actor="cli:office-manager",
            system="remote",
            collection="sessions",
            key=str(held_session),
            reason="customer says a session changed their firewall: claim pending",
        )

    report = sweep(
        runtime=runtime,
        keyring=keyring,
        loaded=support.loaded,
        environ=support.environ,
    )
    assert report.ok, [(o.collection, o.error) for o in report.outcomes if o.error]
    after = swept(support)

    # What went is exactly what each rule says, checked here from the rows themselves.
    due[("remote", "sessions")].discard(held_session)
    for node, ids in due.items():
        assert before[node] - after[node] == ids, node
    assert held_session in after[("remote", "sessions")]

    # Evidence: every record that went is named (by digest) once, under its rule and cutoff.
    with runtime.transaction() as session:
        events = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.startswith("retention.sweep."))
                .order_by(AuditEvent.sequence)
            )
        )
        chain = verify(session=session)
        proofs = {p.audit_sequence: p for p in evidence.batch_evidence(session=session)}
    assert chain.ok, chain.problem
    assert events[0].action == "retention.sweep.started"
    assert events[-1].action == "retention.sweep.finished"
    batches = [e for e in events if e.action == "retention.sweep.batch_deleted"]
    named: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    rules = {
        (s.name, c.name): c.retention
        for s in support.loaded.policy.systems
        if s.dataset
        for c in s.dataset.collections
    }
    for event in batches:
        details = event.details
        node = (details["system"], details["collection"])
        assert details["rule"] == rules[node]
        assert details["cutoff"] == CUTOFFS[details["rule"]].isoformat()
        assert event.at == clock.now()
        proof = proofs[event.sequence]
        assert proof.problem is None
        assert (proof.system, proof.collection, proof.count) == (*node, details["count"])
        named[node].update(proof.key_digests)
    for node, ids in before.items():
        gone = ids - after[node]
        assert set(named[node]) == {key_digest(node[0], node[1], (i,)) for i in gone}, node
        assert all(n == 1 for n in named[node].values()), node
    assert sum(len(before[n] - after[n]) for n in before) == events[-1].details["acted"]
    assert events[-1].details["held"] >= 1
