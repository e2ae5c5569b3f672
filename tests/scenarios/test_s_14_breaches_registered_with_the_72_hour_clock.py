"""S-14: personal data breaches are registered; the 72-hour clock to the regulator runs from
awareness; the decisions to report (or not) and to tell people are recorded with reasons. A
telecoms provider's breaches go the PECR way (regulation 5A), and the register says so."""

from __future__ import annotations

import json
from pathlib import Path

from scenarios.product import Deployed


def test_s_14_every_breach_is_registered_with_its_clock_and_reasoned_decisions(
    tmp_path: Path,
) -> None:
    telecoms = Deployed("telecoms", tmp_path, people=10)
    policy = str(telecoms.policy)
    telecoms.environment["DATAWARD_NOW"] = "2026-10-26T09:00:00+00:00"

    # Aware at 23:30 BST on the eve of the October change: 72 elapsed hours end at 22:30 GMT.
    opened = telecoms.run(
        "breaches", "open", "-p", policy, "--aware", "2026-10-24T23:30",
        "--summary", "Call records visible to another customer in the portal",
        "--facts", "A caching fault showed one customer's call list to another for 20 minutes",
        "--category", "user.telecoms", "--people", "1", "--records", "40", "--json",
    )  # fmt: skip
    first = json.loads(opened.output)
    assert first["regime"] == "pecr" and "regulation 5A" in first["form"]
    assert "72 hours since 20 August 2025" in first["form"]
    assert first["deadline"] == "2026-10-27T22:30:00+00:00"

    # And one at 23:30 on the last Sunday of October itself (GMT by then): Wednesday 23:30.
    again = telecoms.run(
        "breaches", "open", "-p", policy, "--aware", "2026-10-25T23:30",
        "--summary", "Letter sent to an old address", "--facts", "one bill misdirected", "--json",
    )  # fmt: skip
    second = json.loads(again.output)
    assert second["deadline"] == "2026-10-28T23:30:00+00:00"

    telecoms.run(
        "breaches", "decide", str(first["id"]), "--kind", "report",
        "--reasons", "call records reveal who a customer calls: a risk to them",
    )  # fmt: skip
    telecoms.run(
        "breaches", "decide", str(first["id"]), "--kind", "tell", "--ground", "high_risk",
        "--reasons", "the customer should know their call list was seen",
    )  # fmt: skip
    telecoms.run(
        "breaches", "decide", str(second["id"]), "--kind", "not_report",
        "--reasons", "one bill, returned unopened: unlikely to result in a risk",
    )  # fmt: skip
    # A decision is never rewritten: a second reporting decision is refused.
    telecoms.run(
        "breaches", "decide", str(second["id"]), "--kind", "report", "--reasons", "x",
        exit_code=1,
    )  # fmt: skip

    register = json.loads(telecoms.run("breaches", "list", "--json").output)
    assert [b["reporting_decided"] for b in register] == [True, True]
    decided = {b["id"]: [(d["kind"], d["reasons"]) for d in b["decisions"]] for b in register}
    assert decided[first["id"]][0][0] == "report" and decided[first["id"]][1][0] == "tell"
    assert decided[second["id"]] == [
        ("not_report", "one bill, returned unopened: unlikely to result in a risk")
    ]
    assert all(not d["altered"] for b in register for d in b["decisions"])
    report = telecoms.run("breaches", "report", str(first["id"]), "-p", policy).output
    assert "PECR security breach notification form" in report
