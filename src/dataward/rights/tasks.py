"""The tasks of a request: which systems it covers, in what order they are changed, which
must wait for another, and staff confirming the manual ones."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import Clock
from dataward.core.errors import Conflict, NotFound, UsageError
from dataward.policy.graph import foreign_keys, traversal_links
from dataward.policy.schema import Policy
from dataward.rights.context import ExecutionContext, automatic
from dataward.rights.models import RequestTask, RightsRequest, TaskMode, TaskState


def scope_of(policy: Policy, details: Mapping[str, Any]) -> list[str] | None:
    """The systems a request is limited to (`details["systems"]`, e.g. an erasure of call
    recordings only); None for all of them."""
    wanted = details.get("systems")
    if not wanted:
        return None
    names = [str(n) for n in wanted]
    declared = [s.name for s in policy.systems]
    unknown = [n for n in names if n not in declared]
    if unknown:
        raise UsageError(
            f"the policy has no system {', '.join(map(repr, unknown))}",
            fix=f"systems: {', '.join(declared)}",
        )
    return names


def ensure_tasks(
    ctx: ExecutionContext, request: RightsRequest, scope: Collection[str] | None = None
) -> list[RequestTask]:
    """One task per declared system (or per system in `scope`), so none is silently left out:
    systems Dataward cannot reach (paper files, a kind with no connector) are searched by
    staff, as manual tasks."""
    existing = {t.system: t for t in request.tasks}
    for system in ctx.policy.systems:
        if scope is not None and system.name not in scope:
            continue
        if system.name not in existing:
            task = RequestTask(
                system=system.name,
                mode=TaskMode.AUTOMATIC if automatic(system) else TaskMode.MANUAL,
                state=TaskState.PENDING,
                attempts=0,
                summary={},
            )
            request.tasks.append(task)
            existing[system.name] = task
    ctx.session.flush()
    order = {s.name: i for i, s in enumerate(ctx.policy.systems)}
    return sorted(existing.values(), key=lambda t: (order.get(t.system, len(order)), t.system))


def found_through(policy: Policy) -> dict[str, set[str]]:
    """System → the other systems whose records the search reaches through it."""
    leads: dict[str, set[str]] = {}
    for link in traversal_links(policy):
        if link.source[0] != link.target[0]:
            leads.setdefault(link.source[0], set()).add(link.target[0])
    return leads


def run_order(policy: Policy, tasks: list[RequestTask]) -> list[RequestTask]:
    """Systems reached through another come first, so changing a system never cuts the path to
    records a later task still has to act on (the policy's order otherwise)."""
    leads = found_through(policy)
    remaining = list(tasks)
    ordered: list[RequestTask] = []
    while remaining:
        names = {t.system for t in remaining}
        ready = [t for t in remaining if not (leads.get(t.system, set()) & names)]
        chosen = ready[0] if ready else remaining[0]  # a cycle: keep the policy's order
        ordered.append(chosen)
        remaining.remove(chosen)
    return ordered


def linked_systems(policy: Policy) -> dict[str, set[str]]:
    """Systems whose records lead to each other's through cross-system references."""
    links: dict[str, set[str]] = {}
    for holder, target in foreign_keys(policy):
        if holder[0] != target[0]:
            links.setdefault(holder[0], set()).add(target[0])
            links.setdefault(target[0], set()).add(holder[0])
    return links


def waiting_on(policy: Policy, down: Iterable[str]) -> dict[str, str]:
    """Systems that must wait for a down one: its records may lead to more of theirs, so
    acting on them now could miss records and still be marked done."""
    links = linked_systems(policy)
    waiting: dict[str, str] = {}
    frontier = list(down)
    blocked = set(frontier)
    while frontier:
        current = frontier.pop()
        for other in sorted(links.get(current, ())):
            if other not in blocked:
                blocked.add(other)
                waiting[other] = current
                frontier.append(other)
    return waiting


def complete_manual_task(
    *, session: Session, clock: Clock, request: RightsRequest, system: str, actor: str
) -> RequestTask:
    """Staff confirm they did a manual task (searched the paper files, stopped the purpose in
    the CRM); the request finishes on its next run once nothing else is left."""
    task = next((t for t in request.tasks if t.system == system), None)
    if task is None:
        names = ", ".join(t.system for t in request.tasks) or "none yet"
        raise NotFound(
            f"request {request.reference} has no task for system {system!r}",
            fix=f"its tasks: {names}",
        )
    if task.mode != TaskMode.MANUAL:
        raise Conflict(
            f"the task for {system!r} is automatic: Dataward does it itself",
            fix=f"run `dataward rights run {request.reference}` to retry it",
        )
    if task.state == TaskState.DONE:
        return task
    task.state = TaskState.DONE
    task.finished_at = clock.now()
    task.summary = {**task.summary, "confirmed_by": actor}
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="rights.task.confirmed",
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details={"system": system},
    )
    return task
