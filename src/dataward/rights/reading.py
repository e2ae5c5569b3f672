"""Access and portability: read every system, then write the package once all are done."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select

from dataward.connectors.base import Connector
from dataward.connectors.service import FoundRecord, FoundSet
from dataward.core.clock import today
from dataward.policy.schema import Policy
from dataward.rights.context import ExecutionContext, Outcome, automatic
from dataward.rights.erasure import collection_of
from dataward.rights.holdings import activities_by_place, categories_by_system, purpose_label
from dataward.rights.letter import (
    BY_HAND,
    NO_IDENTITY,
    SEARCHED,
    KeptLine,
    PlaceLine,
    SearchedLine,
    build_letter,
    render_letter,
    retention_text,
)
from dataward.rights.models import ItemOutcome, RequestItem, RequestKind, RequestTask, RightsRequest
from dataward.rights.packages import Package, build_package, store_package
from dataward.rights.portability import NOTE, portable_records
from dataward.rights.requester import Requester
from dataward.rights.steps import Step, Summary, event, item_reason, key_digest


def _store(
    ctx: ExecutionContext,
    request: RightsRequest,
    who: Requester,
    package: Package,
    outcome: Outcome,
) -> None:
    content = build_package(package)
    store_package(
        session=ctx.session,
        keyring=ctx.keyring,
        person=who.person,
        home=ctx.home,
        reference=request.reference,
        content=content,
    )
    outcome.package = content
    event(
        ctx,
        request,
        "rights.package.stored",
        {
            "kind": package.kind,
            "records": len(package.records),
            "files": sum(len(v) for v in package.files.values()),
            "bytes": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )


def searched_lines(policy: Policy, found: FoundSet) -> list[SearchedLine]:
    """Every collection of every system, as searched: a collection with no identity field
    given (or reached by reference) was not queried, and the record says so."""
    counts = found.counts()
    queried = set(found.searched)
    lines: list[SearchedLine] = []
    for system in policy.systems:
        if not automatic(system):
            lines.append(SearchedLine(system.name, "(all records)", 0, BY_HAND))
            continue
        assert system.dataset is not None
        for collection in system.dataset.collections:
            place = (system.name, collection.name)
            how = SEARCHED if place in queried else NO_IDENTITY
            lines.append(SearchedLine(system.name, collection.name, counts.get(place, 0), how))
    return lines


# Bound parameters per query: well under SQLite's limit, and a plan PostgreSQL caches.
DIGEST_CHUNK = 500


def kept_before(ctx: ExecutionContext, found: FoundSet) -> list[KeptLine]:
    """Records still held that an earlier erasure kept, with its ground and until-date: the
    person was forgotten since, so the records are matched by their key digests."""
    digests = {
        key_digest(ctx, r.system, r.collection, r.key): (r.system, r.collection)
        for r in found.records
    }
    wanted = sorted(digests)
    found_items: list[RequestItem] = []
    for start in range(0, len(wanted), DIGEST_CHUNK):
        query = (
            select(RequestItem)
            .join(RightsRequest, RightsRequest.id == RequestItem.request_id)
            .where(
                RightsRequest.kind == RequestKind.ERASURE,
                RequestItem.outcome.in_([ItemOutcome.KEPT, ItemOutcome.HELD]),
                RequestItem.key_digest.in_(wanted[start : start + DIGEST_CHUNK]),
            )
        )
        found_items.extend(ctx.session.scalars(query))
    latest: dict[str, RequestItem] = {}
    for item in sorted(found_items, key=lambda i: i.id, reverse=True):
        latest.setdefault(item.key_digest, item)
    grouped: Counter[tuple[str, str, str, str, date | None]] = Counter()
    for item in latest.values():
        grouped[
            (
                item.system,
                item.collection,
                item.ground or "",
                item_reason(item, keyring=ctx.keyring),
                item.until_on,
            )
        ] += 1
    return [
        KeptLine(system, collection, count, ground, reason, until)
        for (system, collection, ground, reason, until), count in sorted(
            grouped.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])
        )
    ]


def why_held(ctx: ExecutionContext, found: FoundSet) -> dict[tuple[str, str], list[Any]]:
    """Per place, each activity holding it: purpose, basis, recipients and retention."""
    out: dict[tuple[str, str], list[Any]] = {}
    for place, activities in activities_by_place(ctx.policy, found.records).items():
        out[place] = [
            {
                "activity": a.name,
                "purpose": purpose_label(a),
                "lawful_basis": a.lawful_basis.value,
                "recipients": list(a.recipients),
                "retention": retention_text(ctx.policy, a),
            }
            for a in activities
        ]
    return out


class AccessStep(Step):
    def after(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        found: FoundSet,
        outcome: Outcome,
        who: Requester,
    ) -> None:
        searched = searched_lines(ctx.policy, found)
        held_for = why_held(ctx, found)
        counts = found.counts()
        places = [
            PlaceLine(
                system,
                collection,
                counts.get((system, collection), 0),
                [reason["activity"] for reason in reasons],
            )
            for (system, collection), reasons in held_for.items()
        ]
        letter = build_letter(
            policy=ctx.policy,
            reference=request.reference,
            answered_on=today(ctx.clock),
            held=categories_by_system(found.records),
            searched=searched,
            kept=kept_before(ctx, found),
            addressee=who.name,
            places=places,
            notes=[d.note for d in who.dropped],
        )
        package = Package(
            reference=request.reference,
            kind="access",
            controller=ctx.policy.organisation.name,
            generated_at=ctx.clock.now(),
            records=found.records,
            files=found.files,
            searched=searched,
            letter_html=render_letter(letter),
            held_for=held_for,
            notes=[d.note for d in who.dropped],
        )
        _store(ctx, request, who, package, outcome)


class PortabilityStep(Step):
    def act(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        task: RequestTask,
        connector: Connector,
        records: Sequence[FoundRecord],
        found: FoundSet,
    ) -> tuple[Summary, int]:
        summary, tries = super().act(ctx, request, task, connector, records, found)
        summary["portable"] = len(portable_records(policy=ctx.policy, records=records))
        return summary, tries

    def after(
        self,
        ctx: ExecutionContext,
        request: RightsRequest,
        found: FoundSet,
        outcome: Outcome,
        who: Requester,
    ) -> None:
        records = portable_records(policy=ctx.policy, records=found.records)
        files = {}
        for record in records:
            place = (record.system, record.collection, record.key)
            collection = collection_of(ctx.policy, record.system, record.collection)
            if place in found.files and any(
                f.file and f.name in record.row for f in collection.fields
            ):
                files[place] = found.files[place]
        package = Package(
            reference=request.reference,
            kind="portability",
            controller=ctx.policy.organisation.name,
            generated_at=ctx.clock.now(),
            records=records,
            files=files,
            searched=searched_lines(ctx.policy, found),
            notes=[NOTE, *(d.note for d in who.dropped)],
        )
        _store(ctx, request, who, package, outcome)
