"""msp-10: a client company asking for privileged information about one of its people gets it
only after the right approval, recorded before the release, in the audit log's order."""

from __future__ import annotations

import json
from pathlib import Path

from scenarios.product import Deployed

from dataward.examples import known_people


def test_msp_10_privileged_information_needs_the_right_approval_before_release(
    tmp_path: Path,
) -> None:
    msp = Deployed("msp", tmp_path, people=20)
    person = next(iter(known_people("msp").values()))
    policy = str(msp.policy)
    package = tmp_path / "mailbox-access-log.csv"
    package.write_text("when,who,what\n2026-02-27,admin,mailbox export\n", encoding="utf-8")

    msp.environment.update(LOGNAME="engineer", USER="engineer")
    opened = msp.run(
        "disclosures", "open", "--kind", "client_company",
        "--requester", "the client's finance director",
        "--ground", "controller_instruction",
        "--asked", "who read the departing employee's mailbox in February",
        "--email", person.email, "--ticket", "MSP-5521", "--json",
    )  # fmt: skip
    number = str(json.loads(opened.output)["id"])

    # Before any approval, nothing can be released, whoever asks.
    blocked = msp.run(
        "disclosures", "release", number, "--package", str(package), "--what", "log",
        exit_code=1,
    )  # fmt: skip
    assert "has not been approved" in blocked.output
    # The engineer who took the request holds no approver role, and could not approve it anyway.
    denied = msp.run(
        "disclosures", "approve", number, "-p", policy, "--role", "engineer", "--note", "fine",
        exit_code=1,
    )  # fmt: skip
    assert "cannot also decide it" in denied.output or "no role" in denied.output

    msp.environment.update(LOGNAME="adam", USER="adam")
    msp.run(
        "disclosures", "approve", number, "-p", policy, "--role", "managing_director",
        "--note", "the client is the controller of its staff mailboxes; contract clause 9",
    )  # fmt: skip
    msp.run(
        "disclosures", "release", number, "--package", str(package),
        "--what", "mailbox access log for February",
    )  # fmt: skip

    events = [json.loads(line) for line in msp.run("audit", "log", "--json").output.splitlines()]
    mine = [e for e in events if e["object_type"] == "disclosure" and e["object_id"] == number]
    assert [e["action"] for e in mine] == [
        "disclosures.opened",
        "disclosures.approved",
        "disclosures.released",
    ]
    assert mine[1]["details"]["role"] == "managing_director" and mine[1]["actor"] == "cli:adam"
    assert person.email not in json.dumps(mine)
    assert msp.run("audit", "verify").exit_code == 0
