"""The daily jobs: the access job polls the table sources and checks the rules again; the card
scan reads the systems the data map marks."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text

from access.web import configured
from dataward.access.jobs import DAILY_JOB
from dataward.access.models import AccessEvent
from dataward.audit.models import AuditEvent
from dataward.cards.jobs import DAILY_JOB as CARD_JOB
from dataward.core import jobs
from dataward.core.crypto import create_master_key_file
from dataward.core.runtime import Runtime
from dataward.domains import job_handlers
from dataward.examples.catalogue import policy_path
from dataward.examples.contents import GeneratedExample, build_example


@pytest.fixture(scope="module")
def support(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("support", tmp_path_factory.mktemp("support-jobs"), people=30)


@pytest.fixture
def ready(runtime: Runtime, support: GeneratedExample) -> Runtime:
    create_master_key_file(runtime.settings.resolved_master_key_file)
    return configured(runtime, policy_path("support"), support.out / "systems.env")


def _run(runtime: Runtime, kind: str) -> None:
    with runtime.transaction() as session:
        jobs.enqueue(session=session, clock=runtime.clock, kind=kind, payload={})
    assert jobs.run_until_idle(runtime, handlers=job_handlers()) == 1
    with runtime.transaction() as session:
        job = session.scalars(select(jobs.Job).where(jobs.Job.kind == kind)).one()
        assert job.state == jobs.JobState.DONE, job.last_error


def test_the_daily_access_job_reads_the_session_log_once(
    ready: Runtime, support: GeneratedExample
) -> None:
    engine = create_engine(support.environment["SUPPORT_REMOTE_URL"])
    with engine.connect() as connection:
        sessions = connection.execute(text("SELECT count(*) FROM sessions")).scalar_one()
    engine.dispose()
    _run(ready, DAILY_JOB)
    with ready.transaction() as session:
        assert session.scalar(select(func.count()).select_from(AccessEvent)) == sessions


def test_the_daily_card_scan_reports_without_changing_the_system(
    ready: Runtime, support: GeneratedExample
) -> None:
    engine = create_engine(support.environment["SUPPORT_HELPDESK_URL"])
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE tickets SET description = :d WHERE id = (SELECT min(id) FROM tickets)"),
            {"d": "My card is 5555 5555 5555 4444, please take the payment"},
        )
    _run(ready, CARD_JOB)
    with ready.transaction() as session:
        scanned = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "cards.scanned")
        ).one()
    assert scanned.details["found"] == 1 and scanned.details["redacted"] == 0
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT description FROM tickets ORDER BY id")).first()
    engine.dispose()
    assert kept is not None and "5555 5555 5555 4444" in kept[0]  # the policy did not ask


def test_the_daily_jobs_say_which_setting_they_need(runtime: Runtime) -> None:
    _fail = jobs.run_until_idle
    with runtime.transaction() as session:
        jobs.enqueue(session=session, clock=runtime.clock, kind=DAILY_JOB, payload={})
    _fail(runtime, handlers=job_handlers())
    with runtime.transaction() as session:
        job = session.scalars(select(jobs.Job)).one()
    assert "DATAWARD_POLICY" in (job.last_error or "")
