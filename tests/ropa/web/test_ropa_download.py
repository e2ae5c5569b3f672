"""The record of processing from the API and the console: XLSX and CSV as `ropa export`."""

from __future__ import annotations

import csv
import io

import openpyxl
from evidence_web import Console

from dataward.ropa.service import COLUMNS


def test_the_record_of_processing_downloads_as_xlsx_csv_and_json(console: Console) -> None:
    client = console.client()
    auditor = console.api("auditor")
    as_json = client.get("/api/v1/ropa", headers=auditor)
    assert as_json.status_code == 200, as_json.text
    body = as_json.json()
    assert body["organisation"] == "Test Ltd"
    assert body["columns"] == list(COLUMNS)
    assert [row["Processing activity"] for row in body["rows"]] == ["Support"]

    as_csv = client.get("/api/v1/ropa?format=csv", headers=auditor)
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert 'filename="ropa.csv"' in as_csv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS) and rows[1][1] == "Support"

    page = console.browser("auditor").get("/console/data-map/ropa?format=xlsx")
    assert page.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(page.content)).active
    assert sheet is not None
    assert "Test Ltd" in str(sheet.cell(row=1, column=1).value)
    assert client.get("/api/v1/ropa?format=pdf", headers=auditor).status_code == 422
    assert client.get("/api/v1/ropa").status_code == 401
