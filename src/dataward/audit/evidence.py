"""What a domain's check of its own records against the audit log reports to `audit verify`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordsCheck:
    name: str  # what was checked, as the user knows it: "consent ledger", "access register"
    checked: int  # rows compared
    problem: str | None  # the first row that does not match its audit event
