"""msp-09: transfers outside the UK/EEA are listed with their safeguard, and that list is given on
request.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from notice.support import cli_runner

from dataward.examples.catalogue import policy_path
from dataward.notice.build import build_notice
from dataward.policy.service import load_policy

POLICY = policy_path("msp")


def test_msp_09_transfers_outside_uk_and_eea_are_listed_with_safeguard_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = load_policy(POLICY).policy
    abroad = {r.name for r in policy.recipients if r.country not in ("GB",)}
    run = cli_runner(tmp_path / "home", monkeypatch)
    listed = json.loads(run("transfers", "list", str(POLICY), "--json").output)
    # RemoteReach (US) is outside the UK and EEA; Harbour Backup (Germany) is in the EEA.
    assert [(t["recipient"], t["country"], t["safeguard"]) for t in listed] == [
        ("RemoteReach Inc", "US", "uk_dpf_extension")
    ]
    assert all(t["problem"] is None for t in listed)
    everything = json.loads(run("transfers", "list", str(POLICY), "--all", "--json").output)
    assert {t["recipient"] for t in everything} == abroad
    words = run("transfers", "list", str(POLICY)).output
    assert "RemoteReach Inc: United States, safeguard: the UK Extension to the EU-US Data" in words
    # The public notice says the same.
    notice = build_notice(load_policy(POLICY))
    assert {(t.recipient, t.safeguard) for t in notice.transfers if t.restricted} == {
        ("RemoteReach Inc", "uk_dpf_extension")
    }
