"""telecoms-01: the notice names the controller: company name and number, registered office, ICO
registration number, and the privacy contact.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from notice.support import cli_runner

from dataward.examples.catalogue import policy_path
from dataward.notice.build import build_notice
from dataward.notice.check import Status, check_notice
from dataward.policy.service import load_policy

POLICY = policy_path("telecoms")


def test_telecoms_01_notice_names_company_number_office_ico_number_and_privacy_contact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = load_policy(POLICY).policy.organisation
    assert org.company_number and org.ico_registration
    run = cli_runner(tmp_path / "home", monkeypatch)
    html = run("notice", "render", str(POLICY), "--format", "html").output
    assert f"<p>{org.name} is the controller of your personal information" in html
    assert f"Company number</dt><dd>{org.company_number}</dd>" in html
    assert f"Registered office</dt><dd>{org.registered_office}</dd>" in html
    assert f"ICO registration number</dt><dd>{org.ico_registration}</dd>" in html
    assert f'<a href="mailto:{org.privacy_contact}">{org.privacy_contact}</a>' in html
    markdown = run("notice", "render", str(POLICY), "--format", "md").output
    assert f"- **Company number:** {org.company_number}" in markdown
    assert f"- **ICO registration number:** {org.ico_registration}" in markdown
    assert f"- **Registered office:** {org.registered_office}" in markdown
    # The DPO the telecoms business appointed is named too.
    assert org.dpo is not None and org.dpo.email in markdown
    items = {i.key: i for i in check_notice(build_notice(load_policy(POLICY)))}
    assert items["controller_identity"].status == Status.PRESENT
    assert items["dpo_contact"].status == Status.PRESENT
