"""S-15: disclosure to a third party (e.g. a court order) is recorded with its legal ground, a
named DPA 2018 Schedule 2 exemption or ground from a fixed list, never free text."""

from __future__ import annotations

import json
from pathlib import Path

from scenarios.product import Deployed

from dataward.examples import known_people


def test_s_15_a_court_order_is_recorded_with_its_legal_ground(tmp_path: Path) -> None:
    support = Deployed("support", tmp_path, people=10)
    person = next(iter(known_people("support").values()))
    policy = str(support.policy)

    vague = support.run(
        "disclosures", "open", "--kind", "court", "--requester", "County Court at Bristol",
        "--ground", "they asked nicely", "--asked", "contact details", exit_code=2,
    )  # fmt: skip
    assert "is not a legal ground" in vague.output and "required_by_law" in vague.output

    support.environment.update(LOGNAME="clerk", USER="clerk")
    opened = support.run(
        "disclosures", "open", "--kind", "court", "--requester", "County Court at Bristol",
        "--ground", "required_by_law", "--asked", "the customer's address and order history",
        "--email", person.email, "--json",
    )  # fmt: skip
    number = str(json.loads(opened.output)["id"])
    support.environment.update(LOGNAME="dpo", USER="dpo")
    support.run(
        "disclosures", "approve", number, "-p", policy, "--role", "dpo",
        "--note", "order no. K00BS123 sealed by the court, checked against the court's list",
    )  # fmt: skip
    package = tmp_path / "court-bundle.pdf"
    package.write_bytes(b"%PDF-1.4 court bundle")
    support.run(
        "disclosures", "release", number, "--package", str(package),
        "--what", "address and orders 2024-2026",
    )  # fmt: skip

    (recorded,) = json.loads(support.run("disclosures", "list", "--json").output)
    assert recorded["ground"] == "required_by_law"
    assert recorded["ground_text"].startswith("Required by law or a court order (DPA 2018 Sch 2")
    assert recorded["requester_kind"] == "court" and recorded["status"] == "released"
    assert recorded["person"].startswith("p_")
