"""voip-09 (restricted access): pre-employment checks (identity, right to work, references,
licence and convictions, bank details, medical notes) open only for the HR manager: a hiring
manager is refused, and both the refusal and the HR manager's view are in the register."""

from __future__ import annotations

from typing import Any

import pytest
from scenarios.register import findings_of, register_rows, signed_in_client
from sqlalchemy import create_engine, text

from dataward.accounts.roles import Role
from dataward.core.runtime import Runtime
from dataward.examples.contents import GeneratedExample, build_example


@pytest.fixture(scope="module")
def voip(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("voip", tmp_path_factory.mktemp("voip-09"), people=40)


def an_employee(voip: GeneratedExample) -> tuple[str, str]:
    """An employee's personal email and their medical notes, read from the HR system."""
    engine = create_engine(voip.environment["VOIP_HR_URL"])
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT e.personal_email, p.medical_notes FROM pre_employment_checks p "
                "JOIN employees e ON e.id = p.employee_id "
                "WHERE e.personal_email IS NOT NULL ORDER BY e.id LIMIT 1"
            )
        ).one()
    engine.dispose()
    return row[0], row[1]


def test_voip_09_only_the_hr_manager_opens_pre_employment_checks(
    voip: GeneratedExample, runtime: Runtime, staff_account: Any
) -> None:
    email, medical = an_employee(voip)
    asked = {"email": email, "system": "hr", "collection": "pre_employment_checks"}

    hiring = signed_in_client(
        runtime, voip, staff_account(Role.STAFF, job_roles=("hiring_manager",))
    )
    refused = hiring.get("/api/v1/records", params={**asked, "reason": "new starter"})
    assert refused.status_code == 403 and medical not in refused.text
    # Their own collection is open to them: applicants are not restricted to HR alone here.
    assert (
        hiring.get("/api/v1/records", params={**asked, "collection": "employees"}).status_code
        == 200
    )

    hr = signed_in_client(runtime, voip, staff_account(Role.STAFF, job_roles=("hr_manager",)))
    missing = hr.get("/api/v1/records", params=asked)
    assert missing.status_code == 422 and "why" in missing.json()["error"]["message"]
    allowed = hr.get("/api/v1/records", params={**asked, "reason": "right-to-work audit"})
    assert allowed.status_code == 200
    (record,) = allowed.json()["records"]
    assert record["fields"]["medical_notes"] == medical

    views = register_rows(runtime, "dataward")
    assert [(v.role, v.collection, findings_of(runtime, v.id)) for v in views] == [
        ("hiring_manager", "pre_employment_checks", ["role-not-named"]),
        ("hr_manager", "pre_employment_checks", []),
    ]
