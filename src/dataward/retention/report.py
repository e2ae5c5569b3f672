"""What a sweep did (or, in a dry run, would do), per collection and in total."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class CollectionOutcome:
    system: str
    collection: str
    rule: str
    action: str
    cutoff: date
    status: str = "done"  # done | held | busy | failed
    found: int = 0
    acted: int = 0
    held: int = 0
    exempt: int = 0
    already_anonymised: int = 0
    blocked: int = 0
    blocked_reason: str | None = None
    batches: int = 0
    resumed_batches: int = 0
    resumed_rows: int = 0
    hold_ids: set[int] = field(default_factory=set)
    exemptions: dict[str, int] = field(default_factory=dict)
    # Rows kept because a condition compared an empty field (SQL's rule: unknown, not false).
    undecided: int = 0
    undecided_fields: dict[str, int] = field(default_factory=dict)
    to_review: int = 0
    review_task: int | None = None
    error: str | None = None

    def count_undecided(self, rows: int, fields: dict[str, int]) -> None:
        self.undecided += rows
        for name, count in fields.items():
            self.undecided_fields[name] = self.undecided_fields.get(name, 0) + count

    def undecided_note(self) -> str:
        """`undecided: 3 rows, field status is empty`: kept, not acted on, until filled in."""
        empty = ", ".join(
            f"field {name} is empty" + (f" ({count})" if count != self.undecided else "")
            for name, count in sorted(self.undecided_fields.items())
        )
        rows = f"{self.undecided} row{'s' if self.undecided != 1 else ''}"
        return f"undecided: {rows}, {empty or 'a compared field is empty'}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "collection": self.collection,
            "rule": self.rule,
            "action": self.action,
            "cutoff": self.cutoff.isoformat(),
            "status": self.status,
            "found": self.found,
            "acted": self.acted,
            "held": self.held,
            "hold_ids": sorted(self.hold_ids),
            "exempt": self.exempt,
            "exemptions": dict(self.exemptions),
            "undecided": self.undecided,
            "undecided_fields": dict(self.undecided_fields),
            "already_anonymised": self.already_anonymised,
            "blocked": self.blocked,
            "blocked_reason": self.blocked_reason,
            "batches": self.batches,
            "resumed_batches": self.resumed_batches,
            "resumed_rows": self.resumed_rows,
            "to_review": self.to_review,
            "review_task": self.review_task,
            "error": self.error,
        }


@dataclass
class SweepReport:
    run_id: int | None
    dry_run: bool
    today: date
    policy_digest: str
    started_at: datetime
    finished_at: datetime | None = None
    outcomes: list[CollectionOutcome] = field(default_factory=list)
    # Person holds that could not be resolved (their person was forgotten): told, not fatal.
    unresolved_holds: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.status != "failed" for o in self.outcomes)

    def outcome(self, system: str, collection: str) -> CollectionOutcome:
        return next(o for o in self.outcomes if (o.system, o.collection) == (system, collection))

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run_id,
            "dry_run": self.dry_run,
            "today": self.today.isoformat(),
            "policy_digest": self.policy_digest,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "ok": self.ok,
            "acted": sum(o.acted for o in self.outcomes),
            "held": sum(o.held for o in self.outcomes),
            "collections": [o.as_dict() for o in self.outcomes],
            "unresolved_holds": list(self.unresolved_holds),
        }
