"""Recipients with service, country, contract, safeguard and vetting; transfers abroad (S-11)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from notice.support import FIXTURE, cli_runner, recipient, variant

from dataward.policy.schema import TransferSafeguard
from dataward.policy.service import load_policy
from dataward.ropa.recipients import assess_transfer, list_recipients, list_transfers

ON = date(2026, 3, 2)


def test_each_recipient_is_listed_with_service_country_contract_safeguard_and_vetting() -> None:
    entries = {e.name: e for e in list_recipients(load_policy(FIXTURE).policy, on=ON)}
    remote = entries["RemoteDesk Inc"]
    assert remote.service == "remote support tool"
    assert remote.role == "processor"
    assert (remote.country, remote.country_name) == ("US", "United States")
    assert remote.contract_signed_on == date(2023, 6, 10)
    assert remote.transfer_safeguard == "uk_dpf_extension"
    assert (remote.vetted_on, remote.vetting_result) == (date(2025, 4, 15), "passed_with_actions")
    assert remote.activities == ["Support and service"]
    assert remote.attention == []


def test_attention_names_missing_contract_stale_failed_or_absent_vetting(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        del recipient(data, "Payments Ltd")["contract_signed_on"]
        recipient(data, "RemoteDesk Inc")["vetting_result"] = "failed"
        calls = recipient(data, "CallStore BV")
        del calls["vetted_on"], calls["vetting_result"]

    loaded = variant(tmp_path, change)
    entries = {e.name: e.attention for e in list_recipients(loaded.policy, on=ON)}
    assert "no processing contract (Art 28) recorded" in entries["Payments Ltd"]
    assert "failed its last security review" in entries["RemoteDesk Inc"]
    assert "never vetted" in entries["CallStore BV"]


def test_a_security_review_over_a_year_old_needs_attention() -> None:
    entries = {
        e.name: e.attention
        for e in list_recipients(load_policy(FIXTURE).policy, on=date(2026, 9, 20))
    }
    assert entries["Payments Ltd"] == ["last vetted 2025-09-12, over a year ago"]
    assert entries["CallStore BV"] == []


@pytest.mark.parametrize(
    ("country", "safeguard", "kw", "expected", "problem"),
    [
        ("CA", None, {}, TransferSafeguard.ADEQUACY, None),
        ("IE", None, {}, TransferSafeguard.ADEQUACY, None),
        ("US", None, {}, None, "United States has no UK adequacy regulations"),
        ("IN", TransferSafeguard.ADEQUACY, {}, TransferSafeguard.ADEQUACY, "not covered"),
        ("US", TransferSafeguard.UK_DPF_EXTENSION, {}, TransferSafeguard.UK_DPF_EXTENSION, "DPF"),
        (
            "US",
            TransferSafeguard.UK_DPF_EXTENSION,
            {"dpf_checked_on": date(2026, 1, 5)},
            TransferSafeguard.UK_DPF_EXTENSION,
            None,
        ),
        ("IN", TransferSafeguard.UK_DPF_EXTENSION, {}, TransferSafeguard.UK_DPF_EXTENSION, "US"),
        ("IN", TransferSafeguard.IDTA, {}, TransferSafeguard.IDTA, "transfer risk assessment"),
        (
            "IN",
            TransferSafeguard.IDTA,
            {"risk_assessed_on": date(2026, 1, 5)},
            TransferSafeguard.IDTA,
            None,
        ),
    ],
)
def test_transfer_safeguards_follow_rules_section_8(
    country: str,
    safeguard: TransferSafeguard | None,
    kw: dict[str, date],
    expected: TransferSafeguard | None,
    problem: str | None,
) -> None:
    applied, found = assess_transfer(country, safeguard, **kw)
    assert applied == expected
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_transfers_outside_the_uk_and_eea_are_listed_with_their_safeguard() -> None:
    policy = load_policy(FIXTURE).policy
    restricted = list_transfers(policy, include_eea=False)
    assert [(t.recipient, t.country, t.safeguard) for t in restricted] == [
        ("RemoteDesk Inc", "US", "uk_dpf_extension")
    ]
    everything = list_transfers(policy)
    assert [t.recipient for t in everything] == ["RemoteDesk Inc", "CallStore BV"]


def test_a_system_held_abroad_by_no_listed_recipient_is_a_transfer_of_its_own(
    tmp_path: Path,
) -> None:
    def change(data: dict[str, Any]) -> None:
        data["systems"][3]["location"] = "CH"

    transfers = list_transfers(variant(tmp_path, change).policy)
    hr = next(t for t in transfers if t.system == "hr")
    assert (hr.recipient, hr.country_name, hr.safeguard) == (None, "Switzerland", "adequacy")
    assert hr.restricted


def test_recipients_and_transfers_commands_give_the_lists_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cli_runner(tmp_path / "home", monkeypatch)
    listed = json.loads(run("recipients", "list", str(FIXTURE), "--json").output)
    assert [r["name"] for r in listed] == ["Payments Ltd", "RemoteDesk Inc", "CallStore BV"]
    assert listed[0]["vetted_on"] == "2025-09-12"
    plain = run("recipients", "list", str(FIXTURE))
    assert "Payments Ltd: card payment processing (processor), the United Kingdom" in plain.output
    assert "vetted 2025-09-12 (passed)" in plain.output

    transfers = run("transfers", "list", str(FIXTURE))
    assert transfers.exit_code == 0
    assert "RemoteDesk Inc: United States, safeguard: the UK Extension" in transfers.output
    assert "CallStore BV" not in transfers.output
    assert "CallStore BV: Netherlands" in run("transfers", "list", str(FIXTURE), "--all").output
