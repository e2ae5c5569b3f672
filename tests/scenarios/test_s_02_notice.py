"""S-02: the public privacy notice is generated from the data map, versioned and dated; a change
of purpose produces a new version and a diff; the notice is checked against Arts 13 and 14.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from notice.support import cli_runner, write_policy
from sqlalchemy.orm import Session

from dataward.core.db import make_engine
from dataward.examples.catalogue import examples_root
from dataward.notice.build import build_notice
from dataward.notice.check import Status, check_notice
from dataward.notice.service import purposes_awaiting_notice
from dataward.policy.service import load_policy

EXAMPLES = examples_root()
BUSINESSES = ["msp", "support", "voip", "schools", "telecoms"]


def example(business: str) -> Path:
    return EXAMPLES / business / "dataward.yaml"


@pytest.mark.parametrize("business", BUSINESSES)
def test_s_02_every_example_notice_passes_the_art_13_14_checklist(business: str) -> None:
    loaded = load_policy(example(business))
    items = check_notice(build_notice(loaded))
    missing = [f"{i.key}: {i.detail}" for i in items if i.status == Status.MISSING]
    assert missing == []
    # Every activity of the map is told to at least one kind of reader.
    notice = build_notice(loaded)
    told = {name for audience in notice.audiences for name in audience.activities}
    assert told == {a.name for a in loaded.policy.activities}


def survey(data: dict[str, Any]) -> None:
    data["activities"].append(
        {
            "name": "Customer satisfaction survey",
            "business_function": "Support",
            "purpose": "functional.service.improve",
            "purpose_text": "to ask customers once a year what they think of our support",
            "lawful_basis": "legitimate_interests",
            "legitimate_interest": "learning what customers think so we can improve",
            "lia": {
                "purpose": "improving our support",
                "necessity": "only customers can tell us what they think",
                "balance": "one short survey a year, easy to ignore",
                "reviewed_by": "Sam Okoro, Operations Director",
                "reviewed_on": "2026-03-01",
            },
            "subjects": ["customer"],
            "categories": ["user.name", "user.contact.email"],
            "systems": ["helpdesk"],
            "recipients": ["DeskCloud Ltd"],
            "retention": "customer-relationship-6-years",
        }
    )


def test_s_02_notice_is_rendered_versioned_dated_and_a_new_purpose_makes_a_new_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    run = cli_runner(home, monkeypatch)
    policy = example("support")

    checked = run("notice", "check", str(policy), "--json")
    assert checked.exit_code == 0 and json.loads(checked.output)["complete"] is True

    rendered = run("notice", "render", str(policy), "--format", "html")
    for activity in load_policy(policy).policy.activities:
        assert f"<h3>{activity.name}</h3>" in rendered.output

    first = run("notice", "publish", str(policy))
    assert "published notice version 1, in effect from 2026-03-02" in first.output

    data = yaml.safe_load(policy.read_text(encoding="utf-8"))
    survey(data)
    changed = write_policy(tmp_path / "changed", data)
    engine = make_engine(f"sqlite:///{home / 'dataward.db'}")
    with Session(engine) as session:
        waiting = purposes_awaiting_notice(
            session=session, policy=load_policy(changed).policy, on=date(2026, 3, 2)
        )
    assert waiting == ["Customer satisfaction survey"]

    second = run("notice", "publish", str(changed), "--effective-on", "2026-03-16")
    assert second.exit_code == 0, second.output
    assert "published notice version 2, in effect from 2026-03-16" in second.output
    assert "New purpose 'Customer satisfaction survey'" in second.output
    assert "people must be told before it starts" in second.output

    versions = json.loads(run("notice", "list", "--json").output)
    assert [(v["number"], v["effective_on"]) for v in versions] == [
        (1, "2026-03-02"),
        (2, "2026-03-16"),
    ]
    diff = run("notice", "diff", "1", "2")
    assert "! New purpose 'Customer satisfaction survey'" in diff.output

    with Session(engine) as session:
        policy_now = load_policy(changed).policy
        # Told, but not yet in effect: the survey waits until the 16th.
        assert purposes_awaiting_notice(
            session=session, policy=policy_now, on=date(2026, 3, 15)
        ) == ["Customer satisfaction survey"]
        assert (
            purposes_awaiting_notice(session=session, policy=policy_now, on=date(2026, 3, 16)) == []
        )
    engine.dispose()

    # The published text stays as it was published, dated.
    shown = run("notice", "show", "1")
    assert "Version 1, in effect from 2 March 2026" in shown.output
    assert "Customer satisfaction survey" not in shown.output
    again = run("notice", "publish", str(changed))
    assert "notice unchanged: version 2 is still current" in again.output
