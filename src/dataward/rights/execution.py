"""Running a verified rights request across the connected systems, one task per system.

The search runs once over every system, because references cross systems; each system's task
then acts on that system's part. Tasks are stored, so a crash or a system that is down leaves
them pending or failed and a second run finishes what remains: done tasks are not redone, and
an erasure records what it will do (RequestItem rows) before it does it, so nothing is counted
twice. A request is never reported done while a task is not.

`run_request` is a boundary, like a CLI command or a job: it commits after each step that
touched a source system, so the evidence of what was done survives a crash after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import ExitStack

from sqlalchemy import select

from dataward.connectors.base import Connector
from dataward.connectors.registry import connect
from dataward.connectors.service import (
    FoundSet,
    Identities,
    find_person,
)
from dataward.core.errors import Conflict, ConnectorError, DatawardError
from dataward.rights import workflow
from dataward.rights.changing import ErasureStep, RectificationStep, RestrictionStep
from dataward.rights.context import ExecutionContext, Outcome, automatic
from dataward.rights.crosscheck import screen, waiting_text
from dataward.rights.identities import label
from dataward.rights.locks import person_lock, run_lock
from dataward.rights.models import (
    RequestKind,
    RequestState,
    RequestTask,
    RightsRequest,
    TaskMode,
    TaskState,
)
from dataward.rights.reading import AccessStep, PortabilityStep
from dataward.rights.requester import Requester, requester_of
from dataward.rights.steps import Step, event
from dataward.rights.tasks import complete_manual_task as complete_manual_task
from dataward.rights.tasks import (
    ensure_tasks,
    found_through,
    run_order,
    scope_of,
    waiting_on,
)

RUNNABLE = frozenset({RequestState.VERIFIED, RequestState.IN_PROGRESS})
# Kinds that change a person's records run one at a time per person (see rights/locks.py).
PER_PERSON = frozenset({RequestKind.ERASURE, RequestKind.RECTIFICATION})


def _start(ctx: ExecutionContext, request: RightsRequest) -> None:
    state = RequestState(request.state)
    if state == RequestState.VERIFIED:
        workflow.transition(
            session=ctx.session,
            clock=ctx.clock,
            request=request,
            to=RequestState.IN_PROGRESS,
            actor=ctx.actor,
            reason="execution started",
            record=ctx.record,
        )
    elif state not in RUNNABLE:
        raise Conflict(
            f"request {request.reference} is {state.value}; only a verified request runs",
            fix="verify it first (`dataward rights verify`)"
            if state in (RequestState.RECEIVED, RequestState.AWAITING_VERIFICATION)
            else None,
        )


def _redact(text: str, secrets: Iterable[str]) -> str:
    """Driver errors can quote the values bound; never store the person's identifiers."""
    for value in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(value, "[redacted]")
    return text[:2000]


def open_connectors(
    ctx: ExecutionContext, names: Iterable[str]
) -> tuple[dict[str, Connector], dict[str, str]]:
    """Connectors for the systems that can be opened; why the others cannot."""
    opened: dict[str, Connector] = {}
    broken: dict[str, str] = {}
    for name in names:
        system = ctx.policy.system(name)
        if system is None:
            broken[name] = "the policy no longer declares this system"
            continue
        try:
            if ctx.connectors is not None:
                opened[name] = ctx.connectors.get(
                    system, base_dir=ctx.loaded.base_dir, environ=ctx.environ
                )
            else:
                opened[name] = connect(system, base_dir=ctx.loaded.base_dir, environ=ctx.environ)
        except DatawardError as exc:
            broken[name] = str(exc)
    return opened, broken


def search(
    ctx: ExecutionContext, connectors: Mapping[str, Connector], identities: Identities
) -> tuple[FoundSet, dict[str, str], int]:
    """One traversal over every reachable system, retried; a system that stays down is left
    out and named, and the traversal runs again over the rest."""
    live = dict(connectors)
    down: dict[str, str] = {}
    tries = 0
    while True:
        try:
            found, attempts = ctx.retry.run(lambda: find_person(ctx.loaded, live, identities))
            return found, down, tries + attempts
        except ConnectorError as exc:
            tries += ctx.retry.attempts
            if exc.system not in live:
                raise
            down[exc.system] = str(exc)
            gone = live.pop(exc.system)
            if ctx.connectors is None:
                gone.close()  # a worker's cached connector stays, to reconnect next time


# Moved to one of these by someone else, a request stops before its next system: withdrawn or
# refused, nothing more is done; paused for clarification, what it covers is in question.
STOPPING = frozenset({RequestState.WITHDRAWN, RequestState.REFUSED, RequestState.PAUSED})


def _stopped(ctx: ExecutionContext, request: RightsRequest) -> RequestState | None:
    """The request's state as stored now, when it stops the run."""
    # No autoflush: the tasks done so far are flushed together at the step's checkpoint.
    with ctx.session.no_autoflush:
        state = ctx.session.scalar(
            select(RightsRequest.state).where(RightsRequest.id == request.id)
        )
    if state is not None and RequestState(state) in STOPPING:
        return RequestState(state)
    return None


def _fail(ctx: ExecutionContext, task: RequestTask, message: str, tries: int) -> None:
    task.state = TaskState.FAILED
    task.attempts += tries
    task.last_error = message
    task.finished_at = ctx.clock.now()


def run_request(*, ctx: ExecutionContext, request: RightsRequest) -> Outcome:
    """Run (or resume) the request on every system; see the module docstring."""
    if RequestState(request.state) in (RequestState.AWAITING_REVIEW, RequestState.COMPLETED):
        return Outcome(request=request)
    with ExitStack() as locks:
        locks.enter_context(run_lock(ctx.session, ctx.home, request.id, request.reference))
        if RequestKind(request.kind) in PER_PERSON:
            locks.enter_context(
                person_lock(ctx.session, ctx.home, request.person_pseudonym, request.reference)
            )
        # What another run did before this one took the lock counts: read it afresh.
        ctx.session.flush()
        ctx.session.expire(request)
        return _run(ctx, request)


def _run(ctx: ExecutionContext, request: RightsRequest) -> Outcome:
    outcome = Outcome(request=request)
    if RequestState(request.state) in (RequestState.AWAITING_REVIEW, RequestState.COMPLETED):
        return outcome
    _start(ctx, request)
    ctx.keyring.attach(ctx.session)
    who = requester_of(ctx.session, ctx.keyring, request)
    if not who.identities:
        raise Conflict(
            f"none of the identities of request {request.reference} is verified",
            fix=f"verify one first (`dataward rights verify {request.reference}`)",
        )
    outcome.dropped = [f"{label(d.identity)}: {d.reason}" for d in who.dropped]
    if who.dropped:
        event(ctx, request, "rights.identities.dropped", {"identities": outcome.dropped})
    scope = scope_of(ctx.policy, who.details)
    tasks = ensure_tasks(ctx, request, scope)
    step = step_for(request.kind, whole_person=scope is None)
    step.before(ctx, request, who)
    ctx.checkpoint()

    # The search covers every reachable system even when only some are acted on: a record in
    # scope may be found only through one out of it.
    names = [s.name for s in ctx.policy.systems if automatic(s)]
    connectors, broken = open_connectors(ctx, names)
    try:
        found, down, tries = search(ctx, connectors, who.identities)
        down.update(broken)
        outcome.found = found
        ctx.record(
            session=ctx.session,
            clock=ctx.clock,
            actor=ctx.actor,
            action="rights.search.done",
            object_type="rights_request",
            object_id=request.reference,
            subject=request.person_pseudonym,
            details={
                "searched": [f"{s}.{c}" for s, c in found.searched],
                "records": len(found.records),
                "rows_scanned": found.rows_scanned,
                "unreachable": sorted(down),
            },
        )
        screened = screen(ctx, request, found, who.identities)
        found = outcome.found = screened.found
        waiting = waiting_on(ctx.policy, down)
        secrets = who.secrets()
        leads = found_through(ctx.policy)
        states = {t.system: t for t in tasks}
        step.prepare(
            ctx,
            request,
            {n: c for n, c in connectors.items() if n not in down},
            found,
            [t.system for t in tasks if t.state != TaskState.DONE and t.mode != TaskMode.MANUAL],
        )
        for task in run_order(ctx.policy, tasks):
            if task.state == TaskState.DONE:
                continue
            if task.mode == TaskMode.MANUAL:
                outcome.manual.append(task.system)
                continue
            # Only a change to a source must not follow a withdrawal; reading is checked once,
            # before the package (below).
            stopped = _stopped(ctx, request) if step.changes_sources else None
            if stopped is not None:
                outcome.stopped = stopped.value
                break
            if task.system in down:
                _fail(ctx, task, _redact(down[task.system], secrets), tries)
                outcome.failed[task.system] = task.last_error or ""
                continue
            if task.system in waiting:
                task.state = TaskState.PENDING
                task.last_error = (
                    f"waiting for system {waiting[task.system]!r}: its records may lead to "
                    "more of the person's records here"
                )
                outcome.waiting[task.system] = task.last_error
                continue
            if task.system in screened.undecided:
                task.state = TaskState.PENDING
                task.last_error = waiting_text(request.reference, screened.undecided[task.system])
                outcome.review[task.system] = task.last_error
                continue
            blocked = sorted(
                name
                for name in leads.get(task.system, ())
                if name in states and states[name].state != TaskState.DONE
            )
            if step.changes_sources and blocked:
                task.state = TaskState.PENDING
                task.last_error = (
                    f"waiting for system {blocked[0]!r}: its records are found through this "
                    "system's, so this one is changed only once that one is done"
                )
                outcome.waiting[task.system] = task.last_error
                continue
            _run_task(ctx, request, task, step, connectors[task.system], found, outcome, who)
        if outcome.stopped is None and not step.changes_sources:
            stopped = _stopped(ctx, request)
            outcome.stopped = None if stopped is None else stopped.value
        if outcome.stopped is None:
            _finish(ctx, request, tasks, step, found, outcome, who)
        ctx.checkpoint()
    finally:
        if ctx.connectors is None:
            for connector in connectors.values():
                connector.close()
    return outcome


def _run_task(
    ctx: ExecutionContext,
    request: RightsRequest,
    task: RequestTask,
    step: Step,
    connector: Connector,
    found: FoundSet,
    outcome: Outcome,
    who: Requester,
) -> None:
    task.state = TaskState.RUNNING
    task.started_at = task.started_at or ctx.clock.now()
    task.last_error = None
    records = [r for r in found.records if r.system == task.system]
    try:
        summary, tries = step.act(ctx, request, task, connector, records, found)
    except ConnectorError as exc:
        _fail(ctx, task, _redact(str(exc), who.secrets()), ctx.retry.attempts)
        outcome.failed[task.system] = task.last_error or ""
        ctx.record(
            session=ctx.session,
            clock=ctx.clock,
            actor=ctx.actor,
            action="rights.task.failed",
            object_type="rights_request",
            object_id=request.reference,
            subject=request.person_pseudonym,
            details={"system": task.system, "attempts": task.attempts},
        )
        ctx.checkpoint()
        return
    task.attempts += tries
    task.summary = summary
    if task.mode == TaskMode.MANUAL:
        task.state = TaskState.PENDING
        outcome.manual.append(task.system)
    else:
        task.state = TaskState.DONE
        task.finished_at = ctx.clock.now()
    ctx.record(
        session=ctx.session,
        clock=ctx.clock,
        actor=ctx.actor,
        action="rights.task.done" if task.state == TaskState.DONE else "rights.task.manual",
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details={"system": task.system, "summary": summary},
    )
    if step.commits_per_task and records:
        # Only a system where something was found can have been changed.
        ctx.checkpoint()


def _finish(
    ctx: ExecutionContext,
    request: RightsRequest,
    tasks: list[RequestTask],
    step: Step,
    found: FoundSet,
    outcome: Outcome,
    who: Requester,
) -> None:
    if any(t.state != TaskState.DONE for t in tasks):
        return
    step.after(ctx, request, found, outcome, who)
    workflow.transition(
        session=ctx.session,
        clock=ctx.clock,
        request=request,
        to=RequestState.AWAITING_REVIEW,
        actor=ctx.actor,
        reason="every system done",
        record=ctx.record,
    )


def step_for(kind: RequestKind, *, whole_person: bool = True) -> Step:
    """`whole_person` False: the request is limited to some systems, so an erasure neither
    suppresses nor forgets the person, whose other data stays."""
    kind = RequestKind(kind)
    if kind == RequestKind.ERASURE:
        return ErasureStep(whole_person=whole_person)
    steps: dict[RequestKind, type[Step]] = {
        RequestKind.ACCESS: AccessStep,
        RequestKind.PORTABILITY: PortabilityStep,
        RequestKind.RECTIFICATION: RectificationStep,
        RequestKind.RESTRICTION: RestrictionStep,
        RequestKind.OBJECTION: RestrictionStep,
    }
    return steps[kind]()
