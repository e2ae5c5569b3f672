"""schools-07: passing a ticket to the school's MIS supplier is a disclosure recorded against
the ticket, approved by a role the school IT supplier's policy names, with what was sent."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from scenarios.product import Deployed

from dataward.examples import known_people


def test_schools_07_a_disclosure_to_the_mis_supplier_is_recorded_against_the_ticket(
    tmp_path: Path,
) -> None:
    schools = Deployed("schools", tmp_path, people=20)
    priya = known_people("schools")["priya"]
    policy = str(schools.policy)
    ticket = str(min(r["id"] for r in schools.rows("helpdesk", "tickets")))
    schools.environment.update(LOGNAME="jamie", USER="jamie")
    opened = schools.run(
        "disclosures", "open", "--kind", "supplier", "--requester", "Scholaris MIS Ltd support",
        "--ground", "processor_under_contract",
        "--asked", "the ticket's description and the school contact's name and email",
        "--ticket", ticket, "--email", priya.email, "--json",
    )  # fmt: skip
    number = str(json.loads(opened.output)["id"])
    # An engineer cannot approve their own; the director can.
    schools.environment.update(LOGNAME="morag", USER="morag")
    schools.run(
        "disclosures", "approve", number, "-p", policy, "--role", "director",
        "--note", "the fault is in the MIS export; Scholaris needs the ticket to fix it",
    )  # fmt: skip
    package = tmp_path / "ticket-for-scholaris.txt"
    package.write_text(f"Ticket {ticket}: attendance export fails\n", encoding="utf-8")
    schools.run(
        "disclosures", "release", number, "--package", str(package),
        "--what", "ticket description, contact name and email",
    )  # fmt: skip

    against = json.loads(schools.run("disclosures", "list", "--ticket", ticket, "--json").output)
    assert [d["id"] for d in against] == [int(number)]
    (recorded,) = against
    assert recorded["ground"] == "processor_under_contract"
    assert recorded["decided_as"] == "director" and recorded["opened_by"] == "cli:jamie"
    assert recorded["package_sha256"] == hashlib.sha256(package.read_bytes()).hexdigest()
    assert json.loads(schools.run("disclosures", "list", "--ticket", "0", "--json").output) == []
