"""support-07: processors are vetted: the date and result of each security review is recorded."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml
from notice.support import cli_runner, write_policy

from dataward.examples.catalogue import policy_path
from dataward.policy.service import load_policy
from dataward.ropa.recipients import list_recipients

POLICY = policy_path("support")


def test_support_07_every_processor_has_the_date_and_result_of_its_security_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = load_policy(POLICY).policy
    processors = [r for r in policy.recipients if r.role.value == "processor"]
    assert processors
    run = cli_runner(tmp_path / "home", monkeypatch)
    listed = {
        r["name"]: r for r in json.loads(run("recipients", "list", str(POLICY), "--json").output)
    }
    for processor in processors:
        entry = listed[processor.name]
        assert entry["vetted_on"] == processor.vetted_on.isoformat()  # type: ignore[union-attr]
        assert entry["vetting_result"] in ("passed", "passed_with_actions")
        assert entry["attention"] == []
    words = run("recipients", "list", str(POLICY)).output
    assert "vetted 2025-10-14 (passed)" in words


def test_support_07_a_review_that_is_missing_failed_or_stale_is_flagged(tmp_path: Path) -> None:
    data = yaml.safe_load(POLICY.read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in data["recipients"]}
    del by_name["Sendwell Email Ltd"]["vetted_on"], by_name["Sendwell Email Ltd"]["vetting_result"]
    by_name["DeskCloud Ltd"]["vetting_result"] = "failed"
    changed = load_policy(write_policy(tmp_path, data)).policy
    attention = {e.name: e.attention for e in list_recipients(changed, on=date(2026, 3, 2))}
    assert attention["Sendwell Email Ltd"] == ["never vetted"]
    assert attention["DeskCloud Ltd"] == ["failed its last security review"]
    # A year and a bit later, every review done in 2025 is stale.
    later = {e.name: e.attention for e in list_recipients(changed, on=date(2026, 12, 1))}
    assert later["Paylane Payments Ltd"] == ["last vetted 2025-10-14, over a year ago"]
