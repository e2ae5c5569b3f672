"""S-11: processors and other recipients are listed with their service, country, contract (DPA)
and transfer safeguard; the list can be produced on request.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from notice.support import cli_runner

from dataward.examples.catalogue import examples_root
from dataward.policy.service import load_policy

EXAMPLES = examples_root()


@pytest.mark.parametrize("business", ["msp", "support", "voip", "schools", "telecoms"])
def test_s_11_recipients_listed_with_service_country_contract_and_safeguard(
    business: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_file = EXAMPLES / business / "dataward.yaml"
    policy = load_policy(policy_file).policy
    run = cli_runner(tmp_path / "home", monkeypatch)
    result = run("recipients", "list", str(policy_file), "--json")
    assert result.exit_code == 0, result.output
    listed = {r["name"]: r for r in json.loads(result.output)}
    assert set(listed) == {r.name for r in policy.recipients}
    for recipient in policy.recipients:
        entry = listed[recipient.name]
        assert entry["service"] == recipient.service
        assert entry["country"] == recipient.country
        if recipient.role.value == "processor":
            assert entry["contract_signed_on"] == recipient.contract_signed_on.isoformat()  # type: ignore[union-attr]
        if recipient.country not in ("GB",):
            # Abroad: the safeguard is named, explicitly or through UK adequacy.
            transfers = json.loads(
                run("transfers", "list", str(policy_file), "--all", "--json").output
            )
            mine = next(t for t in transfers if t["recipient"] == recipient.name)
            assert mine["safeguard"] and mine["problem"] is None

    # The same list, in words, on request.
    plain = run("recipients", "list", str(policy_file))
    for recipient in policy.recipients:
        assert f"{recipient.name}: {recipient.service}" in plain.output
