"""Reading the log for people: a page of events at a time, the chain's state, verify now.

The console and the API page newest first by sequence (a keyset: `sequence < before`), so a
page costs the same on the millionth event as on the first; never OFFSET.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dataward.audit import sealing, service
from dataward.audit.evidence import RecordsCheck
from dataward.audit.models import AuditCheckpoint, AuditEvent
from dataward.audit.verify import VerifyReport, verify
from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring

PAGE_SIZE = 50
LARGEST_PAGE = 500
VERIFIED = "audit.log.verified"


@dataclass(frozen=True)
class LogPage:
    events: list[AuditEvent]
    # Pass as `before` for the next (older) page; None when this page reaches the start.
    older: int | None


def log_page(
    *,
    session: Session,
    where: service.EventFilter = service.EventFilter(),
    before: int | None = None,
    limit: int = PAGE_SIZE,
) -> LogPage:
    """The newest `limit` matching events with a sequence below `before`."""
    limit = max(1, min(limit, LARGEST_PAGE))
    query = service.matching(where)
    if before is not None:
        query = query.where(AuditEvent.sequence < before)
    rows = list(session.scalars(query.order_by(AuditEvent.sequence.desc()).limit(limit + 1)))
    page = rows[:limit]
    return LogPage(events=page, older=page[-1].sequence if len(rows) > limit else None)


def latest_per_object(*, session: Session, action: str, object_type: str) -> dict[str, AuditEvent]:
    """The newest event of `action` for each object id (e.g. each system's last test)."""
    newest = (
        select(func.max(AuditEvent.sequence))
        .where(AuditEvent.action == action, AuditEvent.object_type == object_type)
        .group_by(AuditEvent.object_id)
    )
    rows = session.scalars(select(AuditEvent).where(AuditEvent.sequence.in_(newest)))
    return {event.object_id or "": event for event in rows}


def verify_log(
    *, session: Session, settings: Settings, use_witness: bool = True, workers: int = 1
) -> VerifyReport:
    """What `dataward audit verify` does: the chain, the pinned signatures, the witness."""
    pinned = sealing.trusted_keys(settings)
    stored = session.scalar(select(func.count()).select_from(AuditCheckpoint)) or 0
    seen = sealing.witnessed(settings, checkpoints_in_database=stored) if use_witness else []
    return verify(session=session, pinned_keys=pinned, witness=seen, workers=workers)


def records_checked(*, session: Session, settings: Settings) -> list[RecordsCheck]:
    """Each domain's own records (the consent ledger, the access register, ...) against what
    their audit events vouch for: a row rewritten in the database shows here even though the
    chain itself is intact."""
    from dataward.domains import evidence_checks

    names = evidence_checks()
    if not names:
        return []
    keyring = Keyring.from_settings(settings)
    found: list[RecordsCheck] = []
    for name in names:
        module, _, function = name.partition(":")
        check = getattr(importlib.import_module(module), function)
        found.append(check(session=session, keyring=keyring))
    return found


@dataclass(frozen=True)
class Verification:
    """Everything `dataward audit verify`, the console's "Verify now" and the API check."""

    chain: VerifyReport
    records: list[RecordsCheck]

    @property
    def ok(self) -> bool:
        return self.chain.ok and all(check.problem is None for check in self.records)


def verify_everything(
    *, session: Session, settings: Settings, use_witness: bool = True, workers: int = 1
) -> Verification:
    """The chain, the pinned signatures, the witness, and every domain's records.

    `workers` > 1 only from the CLI (see audit.runs: the other processes are forked)."""
    chain = verify_log(session=session, settings=settings, use_witness=use_witness, workers=workers)
    return Verification(chain, records_checked(session=session, settings=settings))


def record_verification(
    *, session: Session, clock: Clock, actor: str, report: Verification
) -> AuditEvent | None:
    """Note an intact verification in the log (the dashboard's "last verified").

    A failed one is not written: a tampered chain or record cannot be signed over, and the
    person who asked sees the failure on the spot.
    """
    if not report.ok:
        return None
    chain = report.chain
    return service.record(
        session=session,
        clock=clock,
        actor=actor,
        action=VERIFIED,
        object_type="audit_log",
        details={
            "events_verified": chain.events,
            "last_sequence": chain.last_sequence,
            "last_checkpoint": chain.last_checkpoint,
            "witnessed_checkpoints": chain.witnessed,
            "records_checked": {check.name: check.checked for check in report.records},
        },
    )


@dataclass(frozen=True)
class ChainStatus:
    events: int
    last_sequence: int
    last_checkpoint: int | None
    last_checkpoint_at: datetime | None
    last_verified_at: datetime | None
    last_verified_by: str | None
    last_verified_up_to: int | None

    @property
    def unsigned(self) -> int:
        return self.last_sequence - (self.last_checkpoint or 0)


def chain_status(*, session: Session) -> ChainStatus:
    """Where the log ends, its newest checkpoint, and its last intact verification (no scan)."""
    head = service.chain_head(session)
    checkpoint = session.scalar(
        select(AuditCheckpoint).order_by(AuditCheckpoint.sequence.desc()).limit(1)
    )
    verified = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == VERIFIED)
        .order_by(AuditEvent.sequence.desc())
        .limit(1)
    )
    up_to = verified.details.get("last_sequence") if verified is not None else None
    return ChainStatus(
        events=head.sequence if head is not None else 0,
        last_sequence=head.sequence if head is not None else 0,
        last_checkpoint=checkpoint.sequence if checkpoint is not None else None,
        last_checkpoint_at=checkpoint.at if checkpoint is not None else None,
        last_verified_at=verified.at if verified is not None else None,
        last_verified_by=verified.actor if verified is not None else None,
        last_verified_up_to=up_to if isinstance(up_to, int) else None,
    )
