"""Scanning the systems' free text for card numbers and bank details, and removing them.

Free text is every field whose categories are content (`user.content.*`: ticket bodies,
emails, notes), besides the fields the policy's `card_scan.fields` adds; files (recordings,
footage) are not text. A collection is read page by page in the order of its key, so a scan of
a large helpdesk stays in bounded memory. Findings name the record by its key and never hold
the number; with `redact`, each number is replaced in the source through its connector, and
each record changed is written to the audit log as it is changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dataward.audit import service as audit
from dataward.connectors.base import Connector
from dataward.connectors.service import open_connectors
from dataward.core.crypto import Keyring
from dataward.core.payment_numbers import find_payment_numbers, redact_payment_numbers
from dataward.core.runtime import Runtime
from dataward.policy.schema import Collection, Policy
from dataward.policy.service import LoadedPolicy

PAGE = 1000
SCANNED = "cards.scanned"
REDACTED = "cards.redacted"


@dataclass(frozen=True)
class CardFinding:
    system: str
    collection: str
    key: str
    field: str
    kinds: tuple[str, ...]  # "card", "bank": what was found, never the number
    redacted: bool


@dataclass
class ScanReport:
    findings: list[CardFinding] = field(default_factory=list)
    scanned: dict[str, int] = field(default_factory=dict)  # system.collection → rows read
    skipped: dict[str, str] = field(default_factory=dict)  # system.collection → why

    @property
    def unredacted(self) -> int:
        return sum(1 for f in self.findings if not f.redacted)

    def as_json(self) -> dict[str, Any]:
        return {
            "findings": [
                {
                    "system": f.system,
                    "collection": f.collection,
                    "key": f.key,
                    "field": f.field,
                    "kinds": list(f.kinds),
                    "redacted": f.redacted,
                }
                for f in self.findings
            ],
            "rows_scanned": self.scanned,
            "skipped": self.skipped,
        }


def free_text_fields(policy: Policy, system: str, collection: Collection) -> list[str]:
    marked = set(policy.card_scan.fields)
    return [
        f.name
        for f in collection.fields
        if not f.file
        and (
            any(c == "user.content" or c.startswith("user.content.") for c in f.categories)
            or f"{system}.{collection.name}.{f.name}" in marked
        )
    ]


def scan(
    *,
    runtime: Runtime,
    loaded: LoadedPolicy,
    systems: list[str],
    environ: Mapping[str, str],
    redact: bool,
    actor: str,
) -> ScanReport:
    report = ScanReport()
    keyring = Keyring.from_settings(runtime.settings)
    connectors = open_connectors(loaded, environ=environ, systems=systems)
    try:
        for name, connector in connectors.items():
            dataset = connector.system.dataset
            for collection in dataset.collections if dataset else []:
                fields = free_text_fields(loaded.policy, name, collection)
                if fields:
                    _scan_collection(
                        runtime, keyring, connector, collection, fields, redact, actor, report
                    )
    finally:
        for connector in connectors.values():
            connector.close()
    with runtime.transaction() as session:
        audit.record(
            session=session,
            clock=runtime.clock,
            actor=actor,
            action=SCANNED,
            object_type="systems",
            object_id=",".join(systems),
            details={
                "rows": report.scanned,
                "found": len(report.findings),
                "redacted": len(report.findings) - report.unredacted,
                "skipped": sorted(report.skipped),
            },
        )
    return report


def _scan_collection(
    runtime: Runtime,
    keyring: Keyring,
    connector: Connector,
    collection: Collection,
    fields: list[str],
    redact: bool,
    actor: str,
    report: ScanReport,
) -> None:
    system = connector.system.name
    where = f"{system}.{collection.name}"
    if len(collection.primary_key) != 1:
        report.skipped[where] = "it has no single-field primary key to read it in order by"
        return
    (key_field,) = collection.primary_key
    last: Any = None
    report.scanned[where] = 0
    while True:
        rows = connector.rows_after(collection.name, key_field, last, limit=PAGE)
        if not rows:
            return
        last = rows[-1][key_field]
        report.scanned[where] += len(rows)
        changed: list[CardFinding] = []
        for row in rows:
            for name in fields:
                value = row.get(name)
                if not isinstance(value, str) or not find_payment_numbers(value):
                    continue
                text, found = redact_payment_numbers(value)
                kinds = tuple(sorted({f.kind for f in found}))
                if redact:
                    connector.rectify(collection.name, [(row[key_field],)], {name: text})
                finding = CardFinding(
                    system, collection.name, str(row[key_field]), name, kinds, redact
                )
                report.findings.append(finding)
                if redact:
                    changed.append(finding)
        if changed:
            # Evidence of this page's changes, committed before the next page is read.
            with runtime.transaction() as session:
                keyring.attach(session)
                audit.record_many(
                    session=session,
                    clock=runtime.clock,
                    events=[
                        audit.NewEvent(
                            actor=actor,
                            action=REDACTED,
                            object_type="record",
                            object_id=f"{f.system}.{f.collection}",
                            details={
                                "key": keyring.digest(f.key),
                                "field": f.field,
                                "kinds": list(f.kinds),
                            },
                        )
                        for f in changed
                    ],
                )
