"""How runs behave: a system that is down, a withdrawal mid-run, the queued job."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataward.core import jobs
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring, encode_key
from dataward.core.errors import Conflict
from dataward.core.runtime import Runtime
from dataward.domains import job_handlers
from dataward.rights import service
from dataward.rights.execution import run_request, waiting_on
from dataward.rights.locks import run_lock
from dataward.rights.models import RequestKind, RequestState, RightsRequest, TaskState
from dataward.rights.schemas import RequesterIdentities

from .conftest import MakeContext, Sleeps
from .kestrel import ALICE, ALICE_PHONE, OPERATOR, Kestrel, verified_request


def test_a_system_that_stays_down_fails_visibly_and_blocks_completion(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
    sleeps: Sleeps,
    tmp_path: Path,
) -> None:
    environ = {**kestrel.environ, "KESTREL_CALLS_URL": f"sqlite:///{tmp_path}/gone/calls.db"}
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.ACCESS,
        phone=ALICE_PHONE,
    )
    outcome = run_request(ctx=make_context(environ=environ), request=request)

    tasks = {t.system: t for t in request.tasks}
    assert tasks["calls"].state == TaskState.FAILED
    assert "calls" in (tasks["calls"].last_error or "")
    assert (tasks["crm"].state, tasks["billing"].state) == (TaskState.DONE, TaskState.DONE)
    assert request.state == RequestState.IN_PROGRESS
    assert outcome.package is None
    assert sleeps.waits == [0.5, 1.0]  # three tries, backing off

    again = run_request(ctx=make_context(), request=request)
    assert request.state == RequestState.AWAITING_REVIEW
    assert again.package is not None


def test_systems_linked_to_a_down_one_wait_for_it() -> None:
    from dataward.policy.schema import Policy

    from .kestrel import POLICY

    policy = Policy.model_validate(POLICY)
    assert waiting_on(policy, ["billing"]) == {"crm": "billing"}
    assert waiting_on(policy, ["calls"]) == {}


def test_a_request_withdrawn_while_running_stops_before_the_next_system(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
    sleeps: Sleeps,
    tmp_path: Path,
) -> None:
    request = verified_request(
        db,
        keyring=keyring,
        clock=clock,
        kestrel=kestrel,
        kind=RequestKind.ERASURE,
        phone=ALICE_PHONE,
    )

    def withdraw() -> None:
        if request.state != RequestState.WITHDRAWN:
            service.withdraw(session=db, clock=clock, request=request, actor=OPERATOR)
            db.commit()

    # The person withdraws while the run waits to retry a system that does not answer.
    sleeps.then = withdraw
    environ = {**kestrel.environ, "KESTREL_CALLS_URL": f"sqlite:///{tmp_path}/gone/calls.db"}
    outcome = run_request(ctx=make_context(environ=environ), request=request)

    assert outcome.stopped == "withdrawn"
    assert request.state == RequestState.WITHDRAWN
    assert {t.state for t in request.tasks} == {TaskState.PENDING}
    assert [r["id"] for r in kestrel.rows("crm", "tickets")] == [10, 11, 12]
    with pytest.raises(Conflict):
        run_request(ctx=make_context(), request=request)


def test_an_unverified_request_does_not_run(
    db: Session, keyring: Keyring, clock: FixedClock, kestrel: Kestrel, make_context: MakeContext
) -> None:
    request = service.open_request(
        session=db,
        keyring=keyring,
        clock=clock,
        actor=OPERATOR,
        kind=RequestKind.ERASURE,
        identities=RequesterIdentities(email=ALICE),
        policy=kestrel.loaded,
    )
    with pytest.raises(Conflict, match="only a verified request runs"):
        run_request(ctx=make_context(), request=request)
    assert [r["id"] for r in kestrel.rows("crm", "tickets")] == [10, 11, 12]


def test_the_queued_job_runs_a_verified_request(
    runtime: Runtime,
    db: Session,
    clock: FixedClock,
    kestrel: Kestrel,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keyring = Keyring(b"k" * 32, source="test")
    runtime.settings.master_key = None
    monkeypatch.setenv("DATAWARD_MASTER_KEY", encode_key(b"k" * 32))
    for name, value in kestrel.environ.items():
        monkeypatch.setenv(name, value)
    runtime.settings = type(runtime.settings)(home=runtime.settings.home, environment="test")
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ACCESS
    )
    db.commit()
    reference = request.reference

    assert jobs.run_until_idle(runtime, handlers=job_handlers()) >= 1

    with runtime.transaction() as session:
        stored = service.get_request(session=session, reference=reference)
        assert stored.state == RequestState.AWAITING_REVIEW
        assert {t.state for t in stored.tasks} == {TaskState.DONE}
        assert (runtime.settings.home / "packages" / f"{reference}.zip.sealed").exists()
    assert isinstance(request, RightsRequest)


def test_a_request_already_being_run_elsewhere_is_not_run_twice(
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
) -> None:
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ERASURE
    )
    db.commit()
    ctx = make_context()
    # Another process (a worker) holds the request's run lock.
    with (
        sa.create_engine(
            db.get_bind().engine.url.render_as_string(hide_password=False)
        ).connect() as other,
        run_lock(Session(bind=other), ctx.home, request.id, request.reference),
        pytest.raises(Conflict, match="being run by another worker"),
    ):
        run_request(ctx=ctx, request=request)
    assert [r["id"] for r in kestrel.rows("crm", "tickets")] == [10, 11, 12]

    run_request(ctx=make_context(), request=request)
    assert request.state == RequestState.AWAITING_REVIEW


def test_an_access_request_withdrawn_while_running_gets_no_package(
    runtime: Runtime,
    db: Session,
    keyring: Keyring,
    clock: FixedClock,
    kestrel: Kestrel,
    make_context: MakeContext,
    tmp_path: Path,
) -> None:
    request = verified_request(
        db, keyring=keyring, clock=clock, kestrel=kestrel, kind=RequestKind.ACCESS
    )
    db.commit()

    def commit_then_the_person_withdraws() -> None:
        db.commit()
        # Staff record the withdrawal elsewhere, once, while this run goes on.
        with runtime.transaction() as other:
            stored = other.get(RightsRequest, request.id)
            assert stored is not None
            if stored.state != RequestState.WITHDRAWN:
                service.withdraw(session=other, clock=clock, request=stored, actor=OPERATOR)

    outcome = run_request(
        ctx=make_context(commit=commit_then_the_person_withdraws), request=request
    )

    assert outcome.stopped == "withdrawn"
    assert outcome.package is None
    db.expire_all()
    assert request.state == RequestState.WITHDRAWN
    assert not (tmp_path / "home" / "packages").exists()
