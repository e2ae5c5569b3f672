"""What each kind of request does: the shared moments and the evidence every step writes.

A step has three moments: `before` the search (suppression, which must not wait for slow
systems), `act` on one system's records, and `after` every system is done (the package, the
Art 19 list). Erasure and rectification change the sources; the others only read them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from dataward.connectors.base import Connector, Key
from dataward.connectors.service import FoundRecord, FoundSet
from dataward.consent import service as consent
from dataward.core.crypto import Keyring
from dataward.policy.schema import Recipient
from dataward.rights.context import ExecutionContext, Outcome
from dataward.rights.models import ItemOutcome, RequestItem, RequestTask, RightsRequest
from dataward.rights.requester import Requester

Summary = dict[str, Any]


def key_digest(ctx: ExecutionContext, system: str, collection: str, key: Key) -> str:
    """Names one record in evidence without revealing its key (which may be an email)."""
    canonical = json.dumps(
        [system, collection, ["" if v is None else str(v) for v in key]],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return ctx.keyring.digest(canonical)


ITEM_REASON_NOTE = "rights_request_items.reason"


def item_reason(item: RequestItem, *, keyring: Keyring) -> str:
    """Why the item was kept or held, as recorded ('' when nothing kept it)."""
    if item.reason is None:
        return ""
    return keyring.open_note(item.reason, context=ITEM_REASON_NOTE)


def record_items(
    ctx: ExecutionContext,
    request: RightsRequest,
    entries: Iterable[tuple[FoundRecord, ItemOutcome, str | None, str | None, date | None]],
) -> int:
    """Add what is not yet recorded; a resumed run finds its earlier items and adds nothing."""
    seen = {(i.system, i.collection, i.key_digest) for i in request.items}
    added = 0
    for record, outcome, ground, reason, until in entries:
        digest = key_digest(ctx, record.system, record.collection, record.key)
        if (record.system, record.collection, digest) in seen:
            continue
        seen.add((record.system, record.collection, digest))
        request.items.append(
            RequestItem(
                system=record.system,
                collection=record.collection,
                key_digest=digest,
                outcome=outcome,
                ground=ground,
                # A hold's reason can name a claimant or a case: items keep it sealed.
                reason=None
                if reason is None
                else ctx.keyring.seal_note(reason, context=ITEM_REASON_NOTE, session=ctx.session),
                until_on=until,
            )
        )
        added += 1
    ctx.session.flush()
    return added


def item_counts(request: RightsRequest, system: str) -> Summary:
    by_outcome: Counter[str] = Counter()
    by_collection: dict[str, Counter[str]] = {}
    for item in request.items:
        if item.system != system:
            continue
        by_outcome[item.outcome.value] += 1
        by_collection.setdefault(item.collection, Counter())[item.outcome.value] += 1
    return {
        **dict(sorted(by_outcome.items())),
        "collections": {c: dict(sorted(n.items())) for c, n in sorted(by_collection.items())},
    }


def event(
    ctx: ExecutionContext, request: RightsRequest, action: str, details: dict[str, Any]
) -> None:
    """Gathered, and appended with the step's other events at its checkpoint."""
    ctx.record(
        session=ctx.session,
        clock=ctx.clock,
        actor=ctx.actor,
        action=action,
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details=details,
    )


def by_collection(records: Iterable[FoundRecord]) -> dict[str, list[FoundRecord]]:
    grouped: dict[str, list[FoundRecord]] = {}
    for record in records:
        grouped.setdefault(record.collection, []).append(record)
    return grouped


CHANGED = frozenset(
    {ItemOutcome.ERASED, ItemOutcome.ANONYMISED, ItemOutcome.RECTIFIED, ItemOutcome.RESTRICTED}
)


def recipients_to_tell(ctx: ExecutionContext, request: RightsRequest) -> list[Recipient]:
    """Art 19: the recipients of every activity using a system the request changed."""
    changed = {i.system for i in request.items if i.outcome in CHANGED}
    names: list[str] = []
    for activity in ctx.policy.activities:
        if changed.intersection(activity.systems):
            names.extend(n for n in activity.recipients if n not in names)
    found = [ctx.policy.recipient(n) for n in names]
    return [r for r in found if r is not None]


class Step:
    """The default: read only, nothing before or after."""

    commits_per_task = False
    # Steps that change the sources wait for systems found through the one they change.
    changes_sources = False

    def before(self, ctx: ExecutionContext, request: RightsRequest, who: Requester) -> None:
        return None

    def prepare(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        connectors: Mapping[str, Connector],
        found: FoundSet,
        systems: Sequence[str],
    ) -> None:
        """After the search, before any system is acted on: plan and check the whole run."""

    def act(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        task: RequestTask,
        connector: Connector,
        records: Sequence[FoundRecord],
        found: FoundSet,
    ) -> tuple[Summary, int]:
        """The task's summary (counts only) and the most tries any source call needed."""
        per_collection = Counter(r.collection for r in records)
        files = sum(len(v) for (s, _c, _k), v in found.files.items() if s == task.system)
        return {
            "records": len(records),
            "collections": dict(sorted(per_collection.items())),
            "files": files,
        }, 1

    def after(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        found: FoundSet,
        outcome: Outcome,
        who: Requester,
    ) -> None:
        return None

    def tell_recipients(
        self, ctx: ExecutionContext, request: RightsRequest, outcome: Outcome
    ) -> None:
        recipients = recipients_to_tell(ctx, request)
        outcome.notify = [r.name for r in recipients]
        event(ctx, request, "rights.recipients.to_tell", {"recipients": outcome.notify})


def suppress(ctx: ExecutionContext, request: RightsRequest, who: Requester, why: str) -> None:
    if who.email is None and who.phone is None:
        return
    ctx.append_events()  # the run's events so far come before the suppression's
    consent.suppress(
        session=ctx.session,
        keyring=ctx.keyring,
        clock=ctx.clock,
        actor=ctx.actor,
        email=who.email,
        phone=who.phone,
        reason=f"{why} ({request.reference})",
    )
