"""schools-05: a breach at the school IT supplier starts an investigation record and the ICO
reporting procedure: the 72-hour clock, the affected people found over the real systems and
told by email, the ICO report drafted, and the record of processing naming the breach."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from rights.request_factories import Inbox, smtp_server
from scenarios.product import Deployed

from dataward.examples import known_people


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


def test_schools_05_a_breach_runs_the_ico_procedure(
    tmp_path: Path, mail: tuple[Inbox, int]
) -> None:
    inbox, port = mail
    schools = Deployed("schools", tmp_path, people=20)
    schools.environment.update(
        DATAWARD_SMTP_HOST="127.0.0.1",
        DATAWARD_SMTP_PORT=str(port),
        DATAWARD_MAIL_FROM="privacy@thistle-schools-it.example.com",
        DATAWARD_NOW="2026-03-30T09:00:00+01:00",
    )
    people = known_people("schools")
    policy, env_file = str(schools.policy), str(schools.env_file)

    opened = schools.run(
        "breaches", "open", "-p", policy, "--aware", "2026-03-28T23:30",
        "--summary", "Helpdesk export emailed to the wrong school",
        "--facts", "A ticket export with school contacts was sent to another school's office",
        "--category", "user.contact.email", "--category", "user.name",
        "--people", "2", "--records", "6", "--system", "helpdesk", "--system", "crm",
        "--consequences", "contacts' details seen by another school",
        "--measures", "the recipient confirmed deletion", "--json",
    )  # fmt: skip
    breach = json.loads(opened.output)
    number = str(breach["id"])
    # Scotland's business, an ordinary controller: UK GDPR Art 33, 72 elapsed hours from
    # 23:30 GMT on the eve of the clock change ends at 00:30 BST.
    assert breach["regime"] == "uk_gdpr"
    assert breach["deadline"] == "2026-04-01T00:30:00+01:00"
    assert breach["hours_left"] == pytest.approx(39.5)

    # The people affected, found by the access search over the systems.
    found = schools.run(
        "breaches", "people", number, "-p", policy, "--env-file", env_file,
        "--email", people["priya"].email, "--email", people["fiona"].email,
        "--email", "nobody@nowhere.example", "--json",
    )  # fmt: skip
    counted = json.loads(found.output)
    assert counted["searched"] == 3 and counted["people"] == 2 and counted["records"] >= 2

    # Telling them needs a recorded decision to tell them first.
    notice = tmp_path / "notice.txt"
    notice.write_text("Your name and email were sent to another school by mistake.\n")
    refused = schools.run(
        "breaches", "notify", number, "-p", policy, "--notice", str(notice), exit_code=1
    )
    assert "no decision to tell the people" in refused.output
    schools.run(
        "breaches", "decide", number, "--kind", "tell", "--ground", "high_risk",
        "--reasons", "contacts could be targeted by phishing that names their school",
    )  # fmt: skip
    schools.run("breaches", "notify", number, "-p", policy, "--notice", str(notice))
    assert sorted(m["To"] for m in inbox.messages) == sorted(
        [people["priya"].email, people["fiona"].email]
    )
    assert "sent to another school by mistake" in inbox.messages[0].get_content()

    # The report decision, within the 72 hours; then the ICO report's draft.
    schools.run(
        "breaches", "decide", number, "--kind", "report",
        "--reasons", "contact details of named school staff disclosed",
    )  # fmt: skip
    draft = tmp_path / "ico-report.txt"
    schools.run("breaches", "report", number, "-p", policy, "--out", str(draft))
    text = draft.read_text(encoding="utf-8")
    order = [
        "1. Report type",
        "2. Your organisation",
        "3. Timing",
        "4. About the breach",
        "5. Personal data and people affected",
        "6. Likely consequences",
        "7. Measures taken or proposed",
        "8. Telling the people affected",
    ]
    assert [text.index(h) for h in order] == sorted(text.index(h) for h in order)
    assert "Thistle Schools IT Ltd" in text and "not late" in text
    assert "01 April 2026 00:30 BST" in text

    # The record of processing's breach columns come from the register.
    ropa = tmp_path / "ropa.xlsx"
    schools.run("ropa", "export", policy, "--out", str(ropa))
    sheet = openpyxl.load_workbook(ropa).active
    assert sheet is not None
    rows = [[str(c.value or "") for c in row] for row in sheet.iter_rows()]
    header_at = next(i for i, r in enumerate(rows) if "Personal data breach?" in r)
    header = rows[header_at]
    flag, link = (
        header.index("Personal data breach?"),
        header.index("Link to record of personal data breach"),
    )
    activity = header.index("Processing activity")
    by_activity = {r[activity]: (r[flag], r[link]) for r in rows[header_at + 1 :] if r[activity]}
    assert by_activity["Support desk"][0] == "Yes"
    assert f"Breach {number}" in by_activity["Support desk"][1]
    assert by_activity["CCTV at our office"][0] == "No breach recorded"
