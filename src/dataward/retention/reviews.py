"""Review tasks: a `review` rule ("while relevant") asks a person instead of deleting."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import NotFound, UsageError
from dataward.retention.models import ReviewStatus, ReviewTask


def raise_review(
    *,
    session: Session,
    clock: Clock,
    actor: str,
    rule: str,
    system: str,
    collection: str,
    count: int,
    cutoff: date,
) -> ReviewTask:
    """Open a task for these records, or bring the open one up to date (one per collection)."""
    now = clock.now()
    task = session.scalar(
        select(ReviewTask).where(
            ReviewTask.status == ReviewStatus.OPEN,
            ReviewTask.rule == rule,
            ReviewTask.system == system,
            ReviewTask.collection == collection,
        )
    )
    if task is not None:
        changed = task.count != count
        task.count, task.cutoff_on, task.last_seen_at = count, cutoff, now
        session.flush()
        if not changed:
            return task
        action = "retention.review.updated"
    else:
        task = ReviewTask(
            rule=rule,
            system=system,
            collection=collection,
            count=count,
            cutoff_on=cutoff,
            status=ReviewStatus.OPEN,
            raised_at=now,
            last_seen_at=now,
        )
        session.add(task)
        session.flush()
        action = "retention.review.raised"
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=action,
        object_type="retention_review_task",
        object_id=str(task.id),
        details={
            "rule": rule,
            "system": system,
            "collection": collection,
            "count": count,
            "cutoff": cutoff.isoformat(),
        },
    )
    return task


def list_reviews(*, session: Session, include_resolved: bool = False) -> list[ReviewTask]:
    query = select(ReviewTask).order_by(ReviewTask.id)
    if not include_resolved:
        query = query.where(ReviewTask.status == ReviewStatus.OPEN)
    return list(session.scalars(query))


def open_task(*, session: Session, task_id: int) -> ReviewTask:
    task = session.get(ReviewTask, task_id)
    if task is None:
        raise NotFound(f"there is no review task {task_id}", fix="see `dataward retention reviews`")
    if task.status != ReviewStatus.OPEN:
        raise UsageError(f"review task {task_id} is already resolved")
    return task


def open_tasks(*, session: Session, rule: str, system: str) -> list[ReviewTask]:
    query = select(ReviewTask).where(
        ReviewTask.status == ReviewStatus.OPEN,
        ReviewTask.rule == rule,
        ReviewTask.system == system,
    )
    return list(session.scalars(query.order_by(ReviewTask.id)))


RESOLUTION_NOTE = "retention_review_tasks.resolution"


def resolution_text(task: ReviewTask, *, keyring: Keyring) -> str | None:
    if task.resolution is None:
        return None
    return keyring.open_note(task.resolution, context=RESOLUTION_NOTE)


def resolve_review(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    task_id: int,
    resolution: str,
) -> ReviewTask:
    """Record what the reviewer decided; the next sweep raises a new task if records remain."""
    task = open_task(session=session, task_id=task_id)
    if not resolution.strip():
        raise UsageError("say what was decided", fix="--note 'tickets older than 2024 disposed of'")
    task.status = ReviewStatus.RESOLVED
    task.resolved_at = clock.now()
    task.resolved_by = actor
    # A reviewer's note may name the people behind the records: it is stored sealed.
    task.resolution = keyring.seal_note(
        resolution.strip(), context=RESOLUTION_NOTE, session=session
    )
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="retention.review.resolved",
        object_type="retention_review_task",
        object_id=str(task.id),
        details={
            "rule": task.rule,
            "count": task.count,
            "resolution_digest": keyring.digest(resolution.strip()),
        },
    )
    return task
