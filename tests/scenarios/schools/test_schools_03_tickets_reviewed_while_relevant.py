"""schools-03: support tickets and their emails are kept while relevant: a year after the last
activity a review task is raised instead of a deletion; once the reviewer decides, the ticket
is disposed of in full (emails and access log with it)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from retention.scenario import BACKENDS, Deployment, day_of, deploy

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.retention import service
from dataward.retention.sweep import dispose_review, sweep

A_YEAR_BEFORE_TODAY = date(2025, 3, 2)


@pytest.fixture(params=BACKENDS)
def schools(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    with deploy("schools", tmp_path / "systems", request.param) as deployment:
        yield deployment


def test_schools_03_old_tickets_raise_a_review_task_and_are_disposed_of_in_full_when_decided(
    schools: Deployment, runtime: Runtime, clock: FixedClock
) -> None:
    tickets = schools.rows("helpdesk", "tickets")
    stale = {t["id"] for t in tickets if day_of(t["last_activity_on"]) < A_YEAR_BEFORE_TODAY}  # type: ignore[operator]
    assert stale and len(stale) < len(tickets)
    emails = schools.rows("helpdesk", "ticket_emails")
    accesses = schools.rows("helpdesk", "access_log")
    stale_emails = {e["id"] for e in emails if e["ticket_id"] in stale}
    stale_accesses = {a["id"] for a in accesses if a["ticket_id"] in stale}
    keyring = Keyring(secrets.token_bytes(32))

    report = sweep(
        runtime=runtime,
        keyring=keyring,
        loaded=schools.loaded,
        environ=schools.environ,
        system="helpdesk",
    )

    assert report.ok
    assert schools.ids("helpdesk", "tickets") == {t["id"] for t in tickets}
    assert len(schools.rows("helpdesk", "ticket_emails")) == len(emails)
    with runtime.transaction() as session:
        tasks = {t.collection: t for t in service.list_reviews(session=session)}
    assert tasks["tickets"].count == len(stale)
    assert tasks["tickets"].rule == "tickets-while-relevant"
    assert tasks["ticket_emails"].count == len(stale_emails)
    assert tasks["access_log"].count == len(stale_accesses)

    # A second sweep does not raise the same tasks again.
    sweep(
        runtime=runtime,
        keyring=keyring,
        loaded=schools.loaded,
        environ=schools.environ,
        system="helpdesk",
    )
    with runtime.transaction() as session:
        assert len(service.list_reviews(session=session)) == 3

    disposal = dispose_review(
        runtime=runtime,
        keyring=keyring,
        loaded=schools.loaded,
        task_id=tasks["tickets"].id,
        actor="cli:office-manager",
        note="no longer relevant to the schools' support",
        environ=schools.environ,
    )

    assert disposal.ok
    assert schools.ids("helpdesk", "tickets") == {t["id"] for t in tickets} - stale
    assert schools.ids("helpdesk", "ticket_emails") == {e["id"] for e in emails} - stale_emails
    assert schools.ids("helpdesk", "access_log") == {a["id"] for a in accesses} - stale_accesses
    with runtime.transaction() as session:
        assert service.list_reviews(session=session) == []
        closed = service.list_reviews(session=session, include_resolved=True)
    assert {t.resolved_by for t in closed} == {"cli:office-manager"}
    assert all("disposed of" in (service.resolution_text(t, keyring=keyring) or "") for t in closed)
