"""The new-purpose gate: no processing for a purpose the people have not been told about.

An activity is blocked while the notice in effect does not describe it as the policy does, and,
when a version brought a change people must hear of first (a new purpose, new people, a new
lawful basis), until every affected person has been sent that change (`dataward notice notify`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.core.errors import Conflict, UsageError
from dataward.notice import service as versions
from dataward.notice.models import NoticeVersion, NotificationRun
from dataward.policy.schema import Policy


class PurposeNotNotified(Conflict):
    """Processing for an activity whose purpose people have not yet been told about."""


@dataclass(frozen=True)
class Blocked:
    activity: str
    reason: str
    fix: str
    version: int | None = None  # the version whose notification would lift it


def _telling_versions(session: Session, up_to: int) -> dict[str, int]:
    """Activity → the latest version (≤ up_to) whose changes must be told before it starts."""
    told: dict[str, int] = {}
    numbers = [v.number for v in versions.list_versions(session=session) if v.number <= up_to]
    for older, newer in itertools.pairwise(numbers):
        for change in versions.diff_versions(session=session, old=older, new=newer):
            if change.tell_before_start:
                told[change.subject] = newer
    return told


# What blocked_activities found, by what it depends on: the policy object (a served policy is
# one object until its file changes), the day, the versions and the finished notifications.
# A check answered many times a second (`comms check`) then costs two small queries.
# The entry holds the policy itself, so its id cannot be reused by another while it is kept.
_FOUND: dict[tuple[int, date, tuple[int, ...], tuple[int, ...]], tuple[Policy, list[Blocked]]] = {}
_KEPT = 64


def blocked_activities(*, session: Session, policy: Policy, on: date) -> list[Blocked]:
    """Every activity of the policy that may not be processed on `on`, with the reason."""
    numbers = tuple(session.scalars(select(NoticeVersion.number).order_by(NoticeVersion.number)))
    finished = tuple(
        session.scalars(
            select(NotificationRun.version_number)
            .where(NotificationRun.finished_at.is_not(None))
            .order_by(NotificationRun.version_number)
        )
    )
    key = (id(policy), on, numbers, finished)
    kept = _FOUND.get(key)
    if kept is not None and kept[0] is policy:
        return list(kept[1])
    found = _blocked(session, policy, on)
    if len(_FOUND) >= _KEPT:
        _FOUND.clear()
    _FOUND[key] = (policy, found)
    return list(found)


def _blocked(session: Session, policy: Policy, on: date) -> list[Blocked]:
    blocked: list[Blocked] = []
    latest = versions.latest_version(session=session, on=on)
    waiting = set(versions.purposes_awaiting_notice(session=session, policy=policy, on=on))
    for name in sorted(waiting):
        blocked.append(
            Blocked(
                activity=name,
                reason="the notice in effect does not tell people about it as the data map "
                "now describes it",
                fix="publish a new notice version with `dataward notice publish`, then tell the"
                " people affected with `dataward notice notify VERSION`",
            )
        )
    if latest is None:
        return blocked
    pending = _telling_versions(session, latest.number)
    finished = set(
        session.scalars(
            select(NotificationRun.version_number).where(NotificationRun.finished_at.is_not(None))
        )
    )
    for activity in policy.activities:
        version = pending.get(activity.name)
        if activity.name in waiting or version is None or version in finished:
            continue
        blocked.append(
            Blocked(
                activity=activity.name,
                reason=f"notice version {version} changed it, and the people affected have not"
                " all been told yet",
                fix=f"run `dataward notice notify {version}`",
                version=version,
            )
        )
    return blocked


def activities_for_purpose(policy: Policy, purpose: str) -> list[str]:
    """The activities carried out for a data use key (exact, or a narrower key under it)."""
    return [
        a.name
        for a in policy.activities
        if a.purpose == purpose or a.purpose.startswith(purpose + ".")
    ]


def checked_names(policy: Policy, *, activity: str | None, purpose: str | None) -> set[str]:
    """The activities named by an activity name or a purpose key, refusing unknown ones."""
    if (activity is None) == (purpose is None):
        raise UsageError("name either an activity or a purpose to check")
    known = ", ".join(a.name for a in policy.activities)
    if activity is not None:
        if all(a.name != activity for a in policy.activities):
            raise UsageError(
                f"no activity named {activity!r} in the policy", fix=f"one of: {known}"
            )
        return {activity}
    assert purpose is not None
    names = set(activities_for_purpose(policy, purpose))
    if not names:
        raise UsageError(
            f"no activity of the policy has the purpose {purpose!r}",
            fix="give a data use key an activity has, e.g. "
            + ", ".join(sorted({a.purpose for a in policy.activities})[:3]),
        )
    return names


def require_told(
    *,
    session: Session,
    policy: Policy,
    on: date,
    activity: str | None = None,
    purpose: str | None = None,
) -> None:
    """Raise PurposeNotNotified when the activity (or any activity for the purpose) is blocked."""
    names = checked_names(policy, activity=activity, purpose=purpose)
    for block in blocked_activities(session=session, policy=policy, on=on):
        if block.activity in names:
            raise PurposeNotNotified(
                f"processing for {block.activity!r} is blocked: {block.reason}", fix=block.fix
            )


def blocked_channel_users(
    *, session: Session, policy: Policy, channel: str, on: date
) -> list[Blocked]:
    """The blocked activities that send on this channel: messages on it must wait for them.

    Only once a notice has been published through Dataward: before that it cannot know what
    people were told, and the business's first notice is not a change of purpose."""
    if not versions.any_published(session=session):
        return []
    users = {a.name for a in policy.activities if channel in a.channels}
    blocked = blocked_activities(session=session, policy=policy, on=on)
    return [b for b in blocked if b.activity in users]
