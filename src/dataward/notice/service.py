"""Published notice versions: numbered, dated, diffable; and which purposes await a notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import Clock, today
from dataward.core.errors import Conflict, NotFound, UsageError
from dataward.notice.build import build_notice, stated_purpose
from dataward.notice.diff import Change, diff_notices
from dataward.notice.models import NoticeVersion
from dataward.notice.render import NoticeFormat, render_notice
from dataward.notice.structure import Notice
from dataward.policy.schema import Policy
from dataward.policy.service import LoadedPolicy
from dataward.policy.taxonomy import taxonomy_for


@dataclass(frozen=True)
class Published:
    version: NoticeVersion
    created: bool  # False: the notice was unchanged and nothing new was stored
    changes: list[Change]

    @property
    def tell_first(self) -> list[Change]:
        return [c for c in self.changes if c.tell_before_start]


def notice_of(version: NoticeVersion) -> Notice:
    return Notice.model_validate(version.snapshot)


def latest_version(*, session: Session, on: date | None = None) -> NoticeVersion | None:
    """The newest published version; with `on`, the newest already in effect that day."""
    query = select(NoticeVersion).order_by(NoticeVersion.number.desc()).limit(1)
    if on is not None:
        query = query.where(NoticeVersion.effective_on <= on)
    return session.scalars(query).first()


def any_published(*, session: Session) -> bool:
    """Whether a notice has been published through Dataward (one indexed row read, for the
    gate every contact check passes)."""
    return session.scalar(select(NoticeVersion.id).limit(1)) is not None


def list_versions(*, session: Session) -> list[NoticeVersion]:
    return list(session.scalars(select(NoticeVersion).order_by(NoticeVersion.number)))


def get_version(*, session: Session, number: int) -> NoticeVersion:
    version = session.scalars(select(NoticeVersion).where(NoticeVersion.number == number)).first()
    if version is None:
        known = session.scalar(select(func.max(NoticeVersion.number)))
        hint = f"versions run from 1 to {known}" if known else "no notice has been published yet"
        raise NotFound(f"no notice version {number}", fix=f"{hint}; see `dataward notice list`")
    return version


def publish(
    *,
    session: Session,
    clock: Clock,
    loaded: LoadedPolicy,
    actor: str,
    effective_on: date | None = None,
) -> Published:
    """Store the notice as the next version, unless it says exactly what the latest one says."""
    notice = build_notice(loaded)
    snapshot = notice.model_dump(mode="json")
    latest = latest_version(session=session)
    if latest is not None and latest.snapshot == snapshot:
        return Published(version=latest, created=False, changes=[])
    published_on = today(clock)
    effective_on = effective_on or published_on
    if effective_on < published_on:
        raise UsageError(
            f"effective date {effective_on.isoformat()} is before today "
            f"({published_on.isoformat()}): people cannot have read a notice before it exists",
            fix="give today or a later date with --effective-on",
        )
    if latest is not None and effective_on < latest.effective_on:
        raise UsageError(
            f"version {latest.number} takes effect on {latest.effective_on.isoformat()}; a "
            f"newer version cannot take effect before it ({effective_on.isoformat()})",
            fix=f"give {latest.effective_on.isoformat()} or later with --effective-on",
        )
    changes = diff_notices(notice_of(latest), notice) if latest is not None else []
    number = (latest.number if latest is not None else 0) + 1
    version = NoticeVersion(
        number=number,
        published_at=clock.now(),
        published_by=actor,
        effective_on=effective_on,
        policy_path=str(loaded.path),
        policy_digest=loaded.digest,
        markdown=render_notice(
            notice, NoticeFormat.MARKDOWN, version=number, effective_on=effective_on
        ),
        html=render_notice(notice, NoticeFormat.HTML, version=number, effective_on=effective_on),
        snapshot=snapshot,
    )
    try:
        with session.begin_nested():
            session.add(version)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"notice version {number} was published by someone else at the same moment",
            fix="run `dataward notice publish` again",
        ) from exc
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="policy.notice.published",
        object_type="notice_version",
        object_id=str(number),
        details={
            "number": number,
            "effective_on": effective_on.isoformat(),
            "policy_digest": version.policy_digest,
            "purposes": [p.activity for p in notice.purposes],
            "changes": [c.kind.value for c in changes],
            "tell_before_start": [c.subject for c in changes if c.tell_before_start],
        },
    )
    return Published(version=version, created=True, changes=changes)


def diff_versions(*, session: Session, old: int, new: int) -> list[Change]:
    return diff_notices(
        notice_of(get_version(session=session, number=old)),
        notice_of(get_version(session=session, number=new)),
    )


def purposes_awaiting_notice(
    *, session: Session, policy: Policy, on: date | None = None
) -> list[str]:
    """Activities whose purpose, or whose people, no published notice yet tells about.

    Processing for such an activity must wait (schools-09). With `on`, only versions in effect
    on that day count, so a notice published today but effective next week does not yet cover.
    """
    latest = latest_version(session=session, on=on)
    if latest is None:
        return [activity.name for activity in policy.activities]
    told = {p.activity: p for p in notice_of(latest).purposes}
    taxonomy = taxonomy_for(policy)
    waiting = []
    for activity in policy.activities:
        previous = told.get(activity.name)
        if (
            previous is None
            or previous.purpose_key != activity.purpose
            or previous.purpose_text != stated_purpose(taxonomy, activity)
            or any(subject not in previous.subjects for subject in activity.subjects)
        ):
            waiting.append(activity.name)
    return waiting
