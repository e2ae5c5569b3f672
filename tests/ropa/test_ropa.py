"""The Art 30 record in the ICO controller template's columns, as XLSX and CSV."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from notice.support import FIXTURE, activity, cli_runner, variant

from dataward.core.errors import UsageError
from dataward.policy.service import load_policy
from dataward.ropa.files import RECIPIENT_COLUMNS, RECIPIENT_SHEET, SHEET, write_ropa
from dataward.ropa.service import COLUMNS, Ropa, build_ropa

ON = date(2026, 3, 2)

# RULES.md §3 and the ICO's controller spreadsheet: each must have a column of its own.
REQUIRED = [
    "Business function",
    "Purpose of processing",
    "Name and contact details of joint controller (if applicable)",
    "Categories of individuals",
    "Categories of personal data",
    "Categories of recipients",
    "Link to contract with processor",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 basis for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Rights available to individuals",
    "Existence of automated decision-making, including profiling (if applicable)",
    "Source of personal data (if applicable)",
    "Link to record of consent",
    "Location of personal data",
    "Data Protection Impact Assessment required?",
    "Data Protection Impact Assessment progress",
    "Link to Data Protection Impact Assessment",
    "Personal data breach?",
    "Link to record of personal data breach",
    "Data Protection Act 2018 Schedule 1 condition for processing",
    "Link to retention and erasure policy document",
    "Is personal data retained and erased in accordance with the retention policy document?",
    "Reasons for not adhering to retention and erasure policy document (if applicable)",
]


@pytest.fixture(scope="module")
def ropa() -> Ropa:
    return build_ropa(load_policy(FIXTURE), on=ON)


def row(ropa: Ropa, name: str) -> dict[str, str]:
    return next(r for r in ropa.rows if r["Processing activity"] == name)


def test_every_column_of_the_ico_template_is_there() -> None:
    assert set(REQUIRED) <= set(COLUMNS)
    assert any(c.startswith("Names of third countries") for c in COLUMNS)
    assert any(c.startswith("Safeguards for exceptional transfers") for c in COLUMNS)


def test_one_row_per_activity_with_the_map_in_each_cell(ropa: Ropa) -> None:
    assert [r["Processing activity"] for r in ropa.rows] == [
        "Support and service",
        "Call recording",
        "Card payments",
        "Marketing emails",
        "Recruitment",
    ]
    recording = row(ropa, "Call recording")
    assert recording["Business function"] == "Customer support"
    assert recording["Categories of individuals"] == "Customer, Enquirer"
    assert recording["Categories of personal data"] == (
        "phone number, call recording, voicemail messages"
    )
    assert recording["Categories of recipients"] == "hosted call recording: CallStore BV"
    assert recording["Link to contract with processor"] == "CallStore BV (signed 2024-05-20)"
    assert recording[COLUMNS[8]] == "Netherlands (CallStore BV)"
    assert recording[COLUMNS[9]] == "CallStore BV: UK adequacy regulations"
    assert recording["Article 6 lawful basis for processing personal data"] == (
        "Art 6(1)(f) legitimate interests"
    )
    assert recording["Link to record of legitimate interests assessment (if applicable)"] == (
        "Assessed by Jo Bright, Director on 2025-09-01"
    )
    assert (
        recording["Location of personal data"] == "calls (sql; Netherlands, hosted by CallStore BV)"
    )
    assert recording["Retention schedule (if possible)"] == (
        "3 months after recorded_at, then delete (quality checks and disputes are raised "
        "within weeks)"
    )
    assert (
        recording[
            "Is personal data retained and erased in accordance with the retention policy document?"
        ]
        == "Yes: enforced automatically on calls.calls"
    )
    assert recording["Link to retention and erasure policy document"] == (
        "notice_policy.yaml#retention.calls-3-months"
    )
    # Dataward keeps no breach register, so the record must not claim there was none.
    assert recording["Personal data breach?"] == "Not recorded in Dataward"


def test_rights_follow_the_lawful_basis(ropa: Ropa) -> None:
    rights = "Rights available to individuals"
    assert row(ropa, "Marketing emails")[rights] == (
        "access, rectification, erasure, restriction, portability, withdraw consent, "
        "objection to direct marketing, complain to the controller and the ICO"
    )
    assert row(ropa, "Call recording")[rights] == (
        "access, rectification, erasure, restriction, objection, "
        "complain to the controller and the ICO"
    )
    # Nor a consent ledger: the cell says so instead of pointing at one.
    assert row(ropa, "Marketing emails")["Link to record of consent"] == (
        "Not recorded in Dataward"
    )
    assert row(ropa, "Call recording")["Link to record of consent"] == "Not applicable"


def test_criminal_data_dpia_and_lia_link_are_recorded(ropa: Ropa) -> None:
    recruitment = row(ropa, "Recruitment")
    assert recruitment["Article 10 basis for processing criminal offence data"] == (
        "DPA 2018 Schedule 1 paragraph 6 (statutory purposes)"
    )
    assert recruitment["Article 9 basis for processing special category data"] == "Not applicable"
    assert recruitment["Source of personal data (if applicable)"] == (
        "the recruitment agency that put you forward"
    )
    assert recruitment["Data Protection Impact Assessment required?"] == "Yes"
    assert recruitment["Data Protection Impact Assessment progress"] == "In progress"
    assert recruitment["Link to Data Protection Impact Assessment"] == (
        "https://intranet.example/dpia/recruitment"
    )
    assert recruitment["Link to record of legitimate interests assessment (if applicable)"] == (
        "https://intranet.example/lia/recruitment"
    )
    assert row(ropa, "Card payments")["Data Protection Impact Assessment required?"] == (
        "Not assessed"
    )


def test_retention_not_enforced_by_a_rule_is_said_with_its_reason(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        del activity(data, "Marketing emails")["retention"]
        del data["systems"][0]["dataset"]["collections"][0]["retention"]

    ropa = build_ropa(variant(tmp_path, change), on=ON)
    adherence = COLUMNS[-2]
    reason = COLUMNS[-1]
    marketing = row(ropa, "Marketing emails")
    assert marketing[adherence] == "No"
    assert marketing[reason] == (
        "Retention is described in words only; no rule in the data map enforces it"
    )
    support = row(ropa, "Support and service")
    assert support[adherence] == "Partly"
    assert "not attached to any collection" in support[reason]


def test_controller_block_names_controller_contact_dpo_and_source(ropa: Ropa) -> None:
    block = dict(ropa.controller)
    assert block["Controller"] == "Harbour IT Support Ltd"
    assert block["ICO registration number"] == "ZB765432"
    assert block["Contact"] == "privacy@harbour-it.example, 01202 555 0100"
    assert block["Data protection officer"] == "None appointed"
    assert block["Record produced on"] == "2026-03-02"
    assert block["From policy file"].startswith("notice_policy.yaml (SHA-256 ")


def test_xlsx_is_a_readable_sheet_with_controller_block_bold_frozen_header(
    ropa: Ropa, tmp_path: Path
) -> None:
    target = tmp_path / "ropa.xlsx"
    write_ropa(ropa, target, organisation="Harbour IT Support Ltd")
    book = openpyxl.load_workbook(target)
    sheet = book[SHEET]
    assert sheet["A1"].value == (
        "Record of processing activities (UK GDPR Art 30): Harbour IT Support Ltd"
    )
    assert sheet["A3"].value == "Controller" and sheet["B3"].value == "Harbour IT Support Ltd"
    header_row = len(ropa.controller) + 4
    header = [c.value for c in sheet[header_row]]
    assert header == list(COLUMNS)
    first = sheet.cell(row=header_row, column=1)
    assert first.font.bold and first.alignment.wrap_text
    assert sheet.freeze_panes == f"C{header_row + 1}"
    assert sheet.max_row == header_row + len(ropa.rows)
    recruitment = [c.value for c in sheet[header_row + 5]]
    assert recruitment[1] == "Recruitment"
    assert sheet.cell(row=header_row + 5, column=2).alignment.wrap_text
    widths = [sheet.column_dimensions[letter].width for letter in ("A", "C", "F")]
    assert all(w and w >= 14 for w in widths)
    recipients = book[RECIPIENT_SHEET]
    assert [c.value for c in recipients[1]] == list(RECIPIENT_COLUMNS)
    assert [recipients.cell(row=r, column=1).value for r in (2, 3, 4)] == [
        "Payments Ltd",
        "RemoteDesk Inc",
        "CallStore BV",
    ]


def test_csv_has_the_same_columns_and_one_header_row(ropa: Ropa, tmp_path: Path) -> None:
    target = tmp_path / "ropa.csv"
    write_ropa(ropa, target, organisation="ignored")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + len(ropa.rows)
    assert rows[2][1] == "Call recording"
    assert rows[1:] == [[r[c] for c in COLUMNS] for r in ropa.rows]


def test_an_unknown_file_type_is_refused(ropa: Ropa, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.xlsx or \.csv"):
        write_ropa(ropa, tmp_path / "ropa.pdf", organisation="x")


def test_ropa_export_command_writes_xlsx_and_refuses_other_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cli_runner(tmp_path / "home", monkeypatch)
    target = tmp_path / "ropa.xlsx"
    result = run("ropa", "export", str(FIXTURE), "--out", str(target))
    assert result.exit_code == 0, result.output
    assert "5 processing activities" in result.output
    assert openpyxl.load_workbook(target)[SHEET]["B3"].value == "Harbour IT Support Ltd"
    refused = run("ropa", "export", str(FIXTURE), "--out", str(tmp_path / "ropa.txt"))
    assert refused.exit_code == 2


def test_a_policy_value_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    ropa = build_ropa(load_policy(FIXTURE), on=ON)
    ropa.rows[0]["Business function"] = "=cmd|' /C calc'!A0"
    ropa.rows[0]["Purpose of processing"] = "@SUM(A1:A9)"
    csv_target = tmp_path / "ropa.csv"
    write_ropa(ropa, csv_target, organisation="x")
    with csv_target.open(encoding="utf-8-sig", newline="") as handle:
        first = dict(zip(COLUMNS, list(csv.reader(handle))[1], strict=True))
    assert first["Business function"] == "'=cmd|' /C calc'!A0"
    assert first["Purpose of processing"] == "'@SUM(A1:A9)"
    xlsx_target = tmp_path / "ropa.xlsx"
    write_ropa(ropa, xlsx_target, organisation="x")
    sheet = openpyxl.load_workbook(xlsx_target)[SHEET]
    header_row = len(ropa.controller) + 4
    cell = sheet.cell(row=header_row + 1, column=list(COLUMNS).index("Business function") + 1)
    assert cell.data_type == "s" and cell.value == "=cmd|' /C calc'!A0"
