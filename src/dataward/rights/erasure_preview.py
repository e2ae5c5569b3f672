"""`dataward rights erase --dry-run`: the erasure's plan, row by row, with nothing changed.

The same search and the same planning as the request itself: every row it would delete, every
row whose fields it would blank or mask, and every row it would keep and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dataward.connectors.base import Key, Row
from dataward.connectors.registry import environ_with
from dataward.connectors.service import Identities, find_person, open_connectors
from dataward.core.clock import Clock, today
from dataward.core.console import out, print_json, ready_runtime
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.policy.service import LoadedPolicy, load_policy
from dataward.rights import erasure as planning
from dataward.rights.erasure import Decision, collection_of
from dataward.rights.erasure_plan import person_hold_of, plan_request
from dataward.rights.models import ItemOutcome
from dataward.rights.schemas import RequesterIdentities


@dataclass(frozen=True)
class PlannedRow:
    """One row and what the erasure does to it: `delete`, `change` (fields → strategy) or
    `keep` (with the reason). `row` is the row as found; `by` names how it is picked out."""

    system: str
    collection: str
    key: Key
    row: Row
    action: str
    by: str
    fields: dict[str, str] = field(default_factory=dict)
    outcome: str = ""
    reason: str | None = None


def planned_row(loaded: LoadedPolicy, decision: Decision) -> PlannedRow:
    record = decision.record
    collection = collection_of(loaded.policy, record.system, record.collection)
    by = (
        "key " + ", ".join(f"{n}={record.row.get(n)}" for n in collection.primary_key)
        if collection.primary_key
        else "matching " + ", ".join(f"{n}={record.row.get(n)}" for n in record.matched)
    )
    fields: dict[str, str] = {}
    action = "keep"
    if decision.outcome == ItemOutcome.ERASED:
        action = "delete"
    elif decision.outcome == ItemOutcome.ANONYMISED:
        action = "change"
        keep = planning.referenced_fields(loaded.policy, record.system, collection.name)
        plan = planning.anonymise_plan(collection, keep=keep)
        fields = {f.field: f.strategy for f in plan.fields}
    return PlannedRow(
        system=record.system,
        collection=record.collection,
        key=record.key,
        row=dict(record.row),
        action=action,
        by=by,
        fields=fields,
        outcome=decision.outcome.value,
        reason=decision.reason if action != "delete" else None,
    )


def preview_erasure(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    loaded: LoadedPolicy,
    identities: Identities,
    environ: Mapping[str, str],
    systems: Sequence[str] | None = None,
) -> list[PlannedRow]:
    """The plan an erasure of these identities would carry out now; raises Conflict, as the
    erasure would, when it cannot be carried out."""
    connectors = open_connectors(loaded, environ=environ)
    try:
        found = find_person(loaded, connectors, identities)
        planned = plan_request(
            session=session,
            keyring=keyring,
            policy=loaded.policy,
            connectors=connectors,
            records=found.records,
            systems=list(systems) if systems else list(connectors),
            today=today(clock),
            person_hold=person_hold_of(session, keyring, identities),
        )
    finally:
        for connector in connectors.values():
            connector.close()
    return [planned_row(loaded, d) for d in planned.all()]


def as_json(rows: Sequence[PlannedRow]) -> list[dict[str, Any]]:
    return [
        {
            "system": r.system,
            "collection": r.collection,
            "by": r.by,
            "action": r.action,
            "fields": r.fields,
            "outcome": r.outcome,
            "reason": r.reason,
        }
        for r in rows
    ]


def print_plan(rows: Sequence[PlannedRow]) -> None:
    counts = {a: sum(1 for r in rows if r.action == a) for a in ("delete", "change", "keep")}
    out.print(
        f"dry run, nothing changed: {counts['delete']} to delete, {counts['change']} to change, "
        f"{counts['keep']} to keep",
        markup=False,
    )
    for r in rows:
        line = f"  {r.action:<6} {r.system}.{r.collection} ({r.by})"
        if r.fields:
            line += ": " + ", ".join(f"{n} {s}" for n, s in r.fields.items())
        if r.reason:
            line += f": {r.reason}"
        out.print(line, markup=False)


def dry_run_command(
    *,
    policy: Path,
    identities: RequesterIdentities | None,
    env_file: Path | None,
    systems: Sequence[str] | None,
    json_output: bool,
) -> None:
    """`dataward rights erase --dry-run`: no request is opened and no source is changed."""
    if identities is None:
        raise UsageError(
            "say who the erasure is about", fix="give --email, --phone or --ref KEY=VALUE"
        )
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    loaded = load_policy(policy)
    with rt.transaction() as session:
        keyring.attach(session)
        rows = preview_erasure(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            loaded=loaded,
            identities=Identities(identities.by_type()).normalised(),
            environ=environ_with(env_file),
            systems=systems,
        )
        session.rollback()
    if json_output:
        print_json(as_json(rows))
    else:
        print_plan(rows)
