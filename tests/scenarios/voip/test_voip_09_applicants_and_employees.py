"""voip-09: unsuccessful applicants are deleted 6 months after the decision; employees' records
(and their pre-employment checks) 6 years after employment ends."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from retention.scenario import BACKENDS, Deployment, day_of, deploy

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.retention.sweep import sweep

SIX_MONTHS_BEFORE_TODAY = date(2025, 9, 2)
SIX_YEARS_BEFORE_TODAY = date(2020, 3, 2)


@pytest.fixture(params=BACKENDS)
def voip(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Deployment]:
    with deploy("voip", tmp_path / "systems", request.param) as deployment:
        yield deployment


def test_voip_09_unsuccessful_applicants_go_after_6_months_and_employees_after_6_years(
    voip: Deployment, runtime: Runtime, clock: FixedClock
) -> None:
    applicants = voip.rows("hr", "applicants")
    employees = voip.rows("hr", "employees")
    checks = voip.rows("hr", "pre_employment_checks")
    applicants_gone = {
        a["id"]
        for a in applicants
        if a["outcome"] == "unsuccessful"
        and a["decision_on"] is not None
        and day_of(a["decision_on"]) < SIX_MONTHS_BEFORE_TODAY  # type: ignore[operator]
    }
    employees_gone = {
        e["id"]
        for e in employees
        if e["employment_ended_on"] is not None
        and day_of(e["employment_ended_on"]) < SIX_YEARS_BEFORE_TODAY  # type: ignore[operator]
    }
    checks_gone = {c["id"] for c in checks if c["employee_id"] in employees_gone}
    by_email = {a["email"]: a["id"] for a in applicants}
    marek, sophie = by_email[voip.known["marek"].email], by_email[voip.known["sophie"].email]
    assert marek in applicants_gone and sophie not in applicants_gone
    staff = {e["employee_number"]: e["id"] for e in employees}
    james, laura = staff["E0001"], staff["E0002"]
    assert james in employees_gone and laura not in employees_gone
    assert checks_gone, "James's pre-employment checks are among them"

    report = sweep(
        runtime=runtime,
        keyring=Keyring(secrets.token_bytes(32)),
        loaded=voip.loaded,
        environ=voip.environ,
        system="hr",
    )

    assert report.ok, [o.error for o in report.outcomes]
    assert voip.ids("hr", "applicants") == {a["id"] for a in applicants} - applicants_gone
    assert voip.ids("hr", "employees") == {e["id"] for e in employees} - employees_gone
    assert voip.ids("hr", "pre_employment_checks") == {c["id"] for c in checks} - checks_gone
    assert report.outcome("hr", "applicants").rule == "unsuccessful-applicants-6-months"
    assert report.outcome("hr", "pre_employment_checks").acted == len(checks_gone)
