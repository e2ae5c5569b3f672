"""Policies written as text, so that each test can point at the exact line and column.

`policy_text(body)` puts the organisation *after* the body, so line 1 of the body is line 1
of the file and the positions a test asserts can be read straight off its own text.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from dataward.core.errors import Problem
from dataward.policy.service import check_policy

ORGANISATION = """\
organisation:
  name: Example Comms Ltd
  registered_office: 1 High Street, Bournemouth BH1 1AA
  privacy_contact: privacy@example.co.uk
"""

# A policy with no problems at all: each test changes one thing in a copy of it.
CLEAN = """\
activities:
  - name: Support
    purpose: essential.service.operations.support
    lawful_basis: contract
    subjects: [customer]
    categories: [user.contact.email]
    systems: [crm]
    retention: six-years
retention:
  six-years: {period: 6 years, after: closed_on, reason: limitation period for claims}
systems:
  - name: crm
    connector: sql
    connection: {url_env: CRM_URL}
    dataset:
      collections:
        - name: customers
          retention: six-years
          fields:
            - {name: id, primary_key: true}
            - {name: email, categories: [user.contact.email], identity: email}
            - {name: closed_on}
"""


def policy_text(body: str) -> str:
    return textwrap.dedent(body) + ORGANISATION


def write_policy(folder: Path, body: str, name: str = "dataward.yaml") -> Path:
    path = folder / name
    path.write_text(policy_text(body), encoding="utf-8")
    return path


def problems_in(folder: Path, body: str) -> list[Problem]:
    return check_policy(write_policy(folder, body)).problems


def brief(problem: Problem) -> str:
    """`LINE:COL path: message` without the temporary folder's name."""
    return f"{problem.line}:{problem.column} {problem.path}: {problem.message}"


def briefs(problems: list[Problem], severity: str | None = None) -> list[str]:
    return [brief(p) for p in problems if severity is None or p.severity == severity]
