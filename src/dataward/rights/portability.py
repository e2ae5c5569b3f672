"""Portability (Art 20): only what is processed by consent or under a contract, machine-readable.

A record is narrowed to the fields whose categories a portable activity of that system uses;
what no portable activity uses (records kept for a legal obligation, call quality recordings
kept in a legitimate interest) is left out, and the package says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from dataward.connectors.service import FoundRecord
from dataward.policy.schema import Activity, Policy
from dataward.rights.holdings import portable, related

NOTE = (
    "The right to data portability covers the data you gave us that we use with your consent "
    "or to perform a contract with you. Data we hold on other grounds is not in this package; "
    "ask us for a copy of everything under your right of access."
)


def portable_activities(policy: Policy) -> list[Activity]:
    return [a for a in policy.activities if portable(a)]


def portable_records(*, policy: Policy, records: Sequence[FoundRecord]) -> list[FoundRecord]:
    """The records narrowed to their portable fields; records left with nothing are dropped."""
    by_system: dict[str, set[str]] = {}
    for activity in portable_activities(policy):
        for system in activity.systems:
            by_system.setdefault(system, set()).update(activity.categories)
    out: list[FoundRecord] = []
    for record in records:
        allowed = by_system.get(record.system)
        if not allowed:
            continue
        keep = {
            name
            for name, categories in record.categories.items()
            if any(related(c, a) for c in categories for a in allowed)
        }
        if not keep:
            continue
        row = {name: value for name, value in record.row.items() if name in keep}
        categories = {name: list(record.categories.get(name, [])) for name in row}
        out.append(replace(record, row=row, categories=categories))
    return out
