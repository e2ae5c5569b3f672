"""docs/web.md's table of roles and permissions is the one the code enforces."""

from __future__ import annotations

import re
from pathlib import Path

from dataward.accounts.roles import GRANTS, Permission, Role

DOC = (Path(__file__).resolve().parents[2] / "docs" / "web.md").read_text(encoding="utf-8")


def test_the_permission_table_matches_the_grants() -> None:
    header = re.search(r"^\| Permission \|(.+)\|$", DOC, flags=re.M)
    assert header, "docs/web.md has no permission table"
    roles = [Role(cell.strip()) for cell in header.group(1).split("|")]
    assert set(roles) == set(Role)
    rows = re.findall(r"^\| `([a-z_.]+)` \|(.+)\|$", DOC, flags=re.M)
    assert {name for name, _ in rows} == {p.value for p in Permission}
    for name, cells in rows:
        granted = {role for role, cell in zip(roles, cells.split("|"), strict=True) if cell.strip()}
        assert granted == {r for r in Role if Permission(name) in GRANTS[r]}, name
