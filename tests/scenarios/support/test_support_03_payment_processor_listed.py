"""support-03: card payments are made through a named payment processor; the processor is listed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from notice.support import cli_runner

from dataward.examples.catalogue import policy_path
from dataward.notice.build import build_notice
from dataward.policy.service import load_policy
from dataward.ropa.service import build_ropa

POLICY = policy_path("support")


def test_support_03_card_payments_name_the_payment_processor_everywhere_it_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load_policy(POLICY)
    payments = next(a for a in loaded.policy.activities if a.purpose.endswith("payment_processing"))
    (processor,) = payments.recipients
    declared = loaded.policy.recipient(processor)
    assert declared is not None and declared.role.value == "processor"

    notice = build_notice(loaded)
    purpose = notice.purpose(payments.name)
    assert purpose is not None and purpose.recipients == [processor]
    listed = next(r for r in notice.recipients if r.name == processor)
    assert listed.service == declared.service and listed.category == "payment processor"

    run = cli_runner(tmp_path / "home", monkeypatch)
    html = run("notice", "render", str(POLICY)).output
    assert f'<th scope="row">{processor}</th><td>{declared.service}' in html
    recipients = json.loads(run("recipients", "list", str(POLICY), "--json").output)
    entry = next(r for r in recipients if r["name"] == processor)
    assert entry["activities"] == [
        a.name for a in loaded.policy.activities if processor in a.recipients
    ]
    assert payments.name in entry["activities"]

    row = next(
        r
        for r in build_ropa(loaded, on=date(2026, 3, 2)).rows
        if r["Processing activity"] == payments.name
    )
    assert processor in row["Categories of recipients"]
    assert row["Link to contract with processor"].startswith(f"{processor}: https://")
