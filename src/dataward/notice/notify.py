"""Telling the people affected by a notice change, before the new processing starts.

The changes come from the diff between a version and the one before it (only those people must
hear of first). The people are every email address held in the collections of the systems the
changed activities use. Each address sent to is recorded as a keyed hash, page by page, so an
interrupted run resumes where it stopped and nobody is told twice; the run finishes, and the
gate lifts, only when every system was read (or the staff say they told its people by hand).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from email.message import EmailMessage

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.connectors.base import Connector
from dataward.core.clock import LONDON, Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.errors import ConnectorError, UsageError
from dataward.core.mail import new_message
from dataward.notice import service as versions
from dataward.notice.diff import Change
from dataward.notice.models import NoticeNotification, NoticeVersion, NotificationRun
from dataward.policy.schema import Collection, Policy

PAGE_SIZE = 500


@dataclass(frozen=True)
class Source:
    """A collection holding the email addresses of people an activity concerns."""

    system: str
    collection: str
    email_field: str
    page_field: str  # the primary key when there is one: keyset pages never stall on nulls


@dataclass
class NotifyResult:
    version: int
    changes: list[Change]
    sent: int = 0
    already_told: int = 0
    unreadable: dict[str, str] = field(default_factory=dict)  # system → why
    told_by_hand: list[str] = field(default_factory=list)
    finished: bool = False


def changes_to_tell(*, session: Session, version: NoticeVersion) -> list[Change]:
    """What people must hear of before processing starts: the changes since the last version."""
    if version.number == 1:
        return []
    return [
        c
        for c in versions.diff_versions(session=session, old=version.number - 1, new=version.number)
        if c.tell_before_start
    ]


def _email_field(collection: Collection) -> str | None:
    return next((f.name for f in collection.fields if f.identity == "email"), None)


def sources(policy: Policy, activities: Iterable[str]) -> list[Source]:
    """The collections, in the changed activities' systems, that hold people's emails."""
    wanted = set(activities)
    systems: list[str] = []
    for activity in policy.activities:
        if activity.name in wanted:
            systems.extend(s for s in activity.systems if s not in systems)
    found: list[Source] = []
    for name in systems:
        system = policy.system(name)
        if system is None or system.dataset is None:
            continue
        for collection in system.dataset.collections:
            email = _email_field(collection)
            if email is None:
                continue
            key = next((f.name for f in collection.fields if f.primary_key), email)
            found.append(Source(name, collection.name, email, key))
    return found


def addresses(connector: Connector, source: Source) -> Iterator[list[str]]:
    """The source's email addresses, a page at a time (duplicates and blanks included)."""
    after: object = None
    while True:
        rows = connector.rows_after(source.collection, source.page_field, after, limit=PAGE_SIZE)
        if not rows:
            return
        page = [str(r[source.email_field]).strip() for r in rows if r.get(source.email_field)]
        yield [a for a in page if "@" in a]
        last = rows[-1].get(source.page_field)
        if len(rows) < PAGE_SIZE:
            return
        if last is None:
            raise ConnectorError(
                f"{source.collection}.{source.page_field} has empty values, so the addresses "
                "cannot be read page by page",
                system=source.system,
                fix="give the collection a primary key in the policy",
            )
        after = last


def message(
    *,
    settings: Settings,
    policy: Policy,
    version: NoticeVersion,
    changes: list[Change],
    to: str,
    clock: Clock,
) -> EmailMessage:
    """The email, in plain words from the diff: what changes, from when, and how to object."""
    organisation = policy.organisation
    effective = version.effective_on
    email = new_message(
        settings,
        to=to,
        subject=f"{organisation.name}: a change to how we use your personal data",
        now=clock.now().astimezone(LONDON),
    )
    lines = [
        "Hello,",
        "",
        f"We have updated our privacy notice (version {version.number}, in effect from "
        f"{effective.day} {effective:%B %Y}). Before we start, we want you to know:",
        "",
        *(f"- {change.text}" for change in changes),
        "",
        "Nothing changes for you until then. If you do not want your data used in this way,"
        f" or have a question, write to {organisation.privacy_contact}.",
    ]
    if organisation.website:
        lines.append(f"The full notice is on our website: {organisation.website}")
    lines += ["", organisation.name]
    email.set_content("\n".join(lines) + "\n")
    return email


def _run(session: Session, clock: Clock, version: int, actor: str) -> NotificationRun:
    run = session.scalars(
        select(NotificationRun).where(NotificationRun.version_number == version)
    ).first()
    if run is None:
        run = NotificationRun(
            version_number=version, started_at=clock.now().astimezone(UTC), started_by=actor
        )
        session.add(run)
        session.flush()
    return run


def notify(
    *,
    session: Session,
    settings: Settings,
    keyring: Keyring,
    clock: Clock,
    policy: Policy,
    version_number: int,
    actor: str,
    connectors: Mapping[str, Connector],
    send: Callable[[EmailMessage], None],
    checkpoint: Callable[[], None],
    told_by_hand: Iterable[str] = (),
    evidence: str | None = None,
) -> NotifyResult:
    """Email every affected address once; finish the run when no system is left unread."""
    version = versions.get_version(session=session, number=version_number)
    changes = changes_to_tell(session=session, version=version)
    result = NotifyResult(version=version_number, changes=changes)
    by_hand = sorted(set(told_by_hand))
    if by_hand and not (evidence and evidence.strip()):
        raise UsageError(
            "say how the people of the systems told by hand were told",
            fix='add --evidence "letter posted 3 March to every school contact"',
        )
    keyring.attach(session)
    run = _run(session, clock, version_number, actor)
    if run.finished_at is not None:
        result.finished = True
        return result
    affected = sources(policy, {c.subject for c in changes})
    teller = _Teller(
        session, keyring, clock, settings, policy, version, changes, send, checkpoint, result
    )
    for source in affected:
        if source.system in by_hand:
            continue
        connector = connectors.get(source.system)
        if connector is None:
            result.unreadable[source.system] = "not connected"
            continue
        pages = addresses(connector, source)
        while True:
            # Only reading the system may fail softly (it is reported, the run stays open); a
            # mail server failure stops the run, and what was sent so far is kept.
            try:
                page = next(pages, None)
            except ConnectorError as exc:
                result.unreadable[source.system] = exc.message
                break
            if page is None:
                break
            teller.tell(page)
    result.told_by_hand = [s for s in by_hand if any(a.system == s for a in affected)]
    if not result.unreadable:
        run.finished_at = clock.now().astimezone(UTC)
        run.notified = (
            session.scalar(
                select(func.count(NoticeNotification.id)).where(
                    NoticeNotification.version_number == version_number
                )
            )
            or 0
        )
        result.finished = True
        audit.record(
            session=session,
            clock=clock,
            actor=actor,
            action="policy.notice.notified",
            object_type="notice_version",
            object_id=str(version_number),
            details={
                "notified": run.notified,
                "activities": sorted({c.subject for c in changes}),
                "told_by_hand": result.told_by_hand,
                "evidence": keyring.digest(evidence) if evidence else None,
            },
        )
    checkpoint()
    return result


@dataclass
class _Teller:
    """Sends one page of addresses the change, skipping those told before, and records each."""

    session: Session
    keyring: Keyring
    clock: Clock
    settings: Settings
    policy: Policy
    version: NoticeVersion
    changes: list[Change]
    send: Callable[[EmailMessage], None]
    checkpoint: Callable[[], None]
    result: NotifyResult

    def tell(self, page: list[str]) -> None:
        session, number = self.session, self.version.number
        hashed = {self.keyring.identifier_hash("email", a): a for a in page}
        told = set(
            session.scalars(
                select(NoticeNotification.recipient_hash).where(
                    NoticeNotification.version_number == number,
                    NoticeNotification.recipient_hash.in_(list(hashed)),
                )
            )
        )
        for recipient_hash, address in hashed.items():
            if recipient_hash in told:
                self.result.already_told += 1
                continue
            try:
                self.send(
                    message(
                        settings=self.settings,
                        policy=self.policy,
                        version=self.version,
                        changes=self.changes,
                        to=address,
                        clock=self.clock,
                    )
                )
            except ConnectorError:
                # Keep who was told before the mail server stopped, so a rerun skips them.
                session.flush()
                self.checkpoint()
                raise
            session.add(
                NoticeNotification(
                    version_number=number,
                    recipient_hash=recipient_hash,
                    sent_at=self.clock.now().astimezone(UTC),
                )
            )
            self.result.sent += 1
        session.flush()
        self.checkpoint()
