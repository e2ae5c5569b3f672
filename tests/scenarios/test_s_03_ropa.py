"""S-03: the record of processing activities (Art 30) is generated from the data map, as XLSX in
the ICO template's columns and as CSV.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from notice.support import cli_runner

from dataward.examples.catalogue import examples_root
from dataward.policy.service import load_policy
from dataward.ropa.files import SHEET
from dataward.ropa.service import COLUMNS

EXAMPLES = examples_root()


@pytest.mark.parametrize("business", ["msp", "support", "voip", "schools", "telecoms"])
def test_s_03_ropa_is_exported_from_each_example_as_xlsx_and_csv(
    business: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_file = EXAMPLES / business / "dataward.yaml"
    policy = load_policy(policy_file).policy
    run = cli_runner(tmp_path / "home", monkeypatch)

    xlsx = tmp_path / "ropa.xlsx"
    result = run("ropa", "export", str(policy_file), "--out", str(xlsx))
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(xlsx)[SHEET]
    cells = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=2).value for r in range(1, 13)
    }
    assert cells["Controller"] == policy.organisation.name
    assert cells["Registered office"] == policy.organisation.registered_office
    header_row = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == COLUMNS[0])
    assert [c.value for c in sheet[header_row]] == list(COLUMNS)
    rows = [[c.value or "" for c in row] for row in sheet.iter_rows(min_row=header_row + 1)]
    assert [r[1] for r in rows] == [a.name for a in policy.activities]
    basis = COLUMNS.index("Article 6 lawful basis for processing personal data")
    retention = COLUMNS.index("Retention schedule (if possible)")
    for activity, row in zip(policy.activities, rows, strict=True):
        assert row[basis].startswith("Art 6(1)")
        assert row[retention] and row[retention] != "No retention period recorded"
        if activity.special_category_condition:
            assert row[COLUMNS.index("Article 9 basis for processing special category data")]

    csv_file = tmp_path / "ropa.csv"
    assert run("ropa", "export", str(policy_file), "--out", str(csv_file)).exit_code == 0
    with csv_file.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == list(COLUMNS)
    assert [r[1] for r in table[1:]] == [a.name for a in policy.activities]
    assert [r[: basis + 1] for r in table[1:]] == [r[: basis + 1] for r in rows]


def test_s_03_ropa_claims_no_consent_ledger_and_reads_breaches_from_the_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy_file = EXAMPLES / "support" / "dataward.yaml"
    policy = load_policy(policy_file).policy
    run = cli_runner(tmp_path / "home", monkeypatch)
    csv_file = tmp_path / "ropa.csv"
    assert run("ropa", "export", str(policy_file), "--out", str(csv_file)).exit_code == 0
    with csv_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    consent = [
        row
        for row, activity in zip(rows, policy.activities, strict=True)
        if activity.lawful_basis == "consent"
    ]
    assert consent, "the support example has a consent-based activity (its newsletter)"
    for row in consent:
        assert row["Link to record of consent"] == "Not recorded in Dataward"
    for row in rows:
        # The breach columns come from the breach register, empty in a new deployment.
        assert row["Personal data breach?"] == "No breach recorded"
        assert "ledger" not in " ".join(row.values()).lower()
