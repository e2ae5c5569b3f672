"""Pydantic shapes of the systems API: each declared system and its last connection test."""

from __future__ import annotations

from datetime import datetime

from dataward.connectors.testing import SystemTest
from dataward.core.schemas import Schema
from dataward.policy.service import LoadedPolicy


class SystemTestOut(Schema):
    system: str
    kind: str
    status: str  # ok | failed | skipped
    seconds: float | None
    error: str | None
    fix: str | None
    reason: str | None
    at: datetime | None
    by: str | None


class SystemOut(Schema):
    name: str
    kind: str
    collections: int
    last_test: SystemTestOut | None


def test_out(result: SystemTest) -> SystemTestOut:
    return SystemTestOut(
        system=result.system,
        kind=result.kind,
        status=result.status,
        seconds=result.seconds,
        error=result.error,
        fix=result.fix,
        reason=result.reason,
        at=result.at,
        by=result.by,
    )


def systems_out(loaded: LoadedPolicy, last: dict[str, SystemTest]) -> list[SystemOut]:
    """Every system the policy declares, in its order, with its last recorded test."""
    found = []
    for system in loaded.policy.systems:
        previous = last.get(system.name)
        found.append(
            SystemOut(
                name=system.name,
                kind=system.connector,
                collections=len(system.dataset.collections) if system.dataset else 0,
                last_test=test_out(previous) if previous is not None else None,
            )
        )
    return found
