"""The record of processing as files: a readable XLSX sheet, or CSV with one header row."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from dataward.core.errors import UsageError
from dataward.core.files import write_private
from dataward.core.spreadsheets import neutralise
from dataward.ropa.service import COLUMNS, Ropa

SHEET = "Record of processing"
RECIPIENT_SHEET = "Recipients"
RECIPIENT_COLUMNS = (
    "Recipient",
    "Role",
    "Service",
    "Category",
    "Country",
    "Contract (DPA) signed on",
    "Link to contract",
    "Transfer safeguard",
    "Last vetted on",
    "Vetting result",
    "Activities",
    "Needs attention",
)

# Characters per column: wide enough to read a cell's first lines without widening the sheet.
_NARROW, _WIDE, _MAX = 14, 24, 48


def csv_bytes(ropa: Ropa) -> bytes:
    handle = io.StringIO(newline="")
    writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerows({k: neutralise(v) for k, v in row.items()} for row in ropa.rows)
    # utf-8-sig: Excel opens a CSV as UTF-8 only when it starts with a byte-order mark.
    return handle.getvalue().encode("utf-8-sig")


def _width(header: str, values: list[str]) -> int:
    longest_line = max((len(line) for v in values for line in v.split("\n")), default=0)
    return max(_NARROW, min(_MAX, max(longest_line, min(len(header), _WIDE))))


def xlsx_bytes(ropa: Ropa, *, organisation: str) -> bytes:
    import xlsxwriter  # here, not at the top: only an XLSX export needs it

    buffer = io.BytesIO()
    # Text stays text: a policy value beginning with '=' must not become a live formula.
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    try:
        title = workbook.add_format({"bold": True, "font_size": 14})
        label = workbook.add_format({"bold": True, "valign": "top"})
        value = workbook.add_format({"text_wrap": True, "valign": "top"})
        header = workbook.add_format(
            {"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#DDE7F0", "border": 1}
        )
        cell = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
        sheet = workbook.add_worksheet(SHEET)
        sheet.write(
            0, 0, f"Record of processing activities (UK GDPR Art 30): {organisation}", title
        )
        for offset, (name, text) in enumerate(ropa.controller, start=2):
            sheet.write(offset, 0, name, label)
            sheet.merge_range(offset, 1, offset, 4, text, value)
        header_row = len(ropa.controller) + 3
        _table(
            sheet, header_row, list(COLUMNS), [list(r.values()) for r in ropa.rows], header, cell
        )
        # Keep the header row and the first two columns (function, activity) in view.
        sheet.freeze_panes(header_row + 1, 2)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(header_row)

        recipients = workbook.add_worksheet(RECIPIENT_SHEET)
        rows = [
            [
                r.name,
                r.role_text,
                r.service,
                r.category or "",
                r.country_name,
                r.contract_signed_on.isoformat() if r.contract_signed_on else "",
                r.contract_link or "",
                r.transfer_safeguard or "",
                r.vetted_on.isoformat() if r.vetted_on else "",
                (r.vetting_result or "").replace("_", " "),
                "\n".join(r.activities),
                "\n".join(r.attention),
            ]
            for r in ropa.recipients
        ]
        _table(recipients, 0, list(RECIPIENT_COLUMNS), rows, header, cell)
        recipients.freeze_panes(1, 1)
    finally:
        workbook.close()
    return buffer.getvalue()


def _table(
    sheet: Any, first_row: int, columns: list[str], rows: list[list[str]], header: Any, cell: Any
) -> None:
    sheet.write_row(first_row, 0, columns, header)
    for offset, row in enumerate(rows, start=1):
        sheet.write_row(first_row + offset, 0, row, cell)
    for index, name in enumerate(columns):
        sheet.set_column(index, index, _width(name, [row[index] for row in rows]))
    if rows:
        sheet.autofilter(first_row, 0, first_row + len(rows), len(columns) - 1)


def write_ropa(ropa: Ropa, path: Path, *, organisation: str) -> None:
    """Write by the file's extension: .xlsx (the ICO layout) or .csv (one header row)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_private(path, xlsx_bytes(ropa, organisation=organisation))
    elif suffix == ".csv":
        write_private(path, csv_bytes(ropa))
    else:
        raise UsageError(
            f"cannot write a record of processing to {path.name!r}",
            fix="give an --out file ending in .xlsx or .csv",
        )


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def ropa_download(ropa: Ropa, *, organisation: str, fmt: str) -> tuple[bytes, str, str]:
    """The file a browser downloads: its bytes, media type and name (xlsx or csv)."""
    if fmt == "xlsx":
        return xlsx_bytes(ropa, organisation=organisation), XLSX_TYPE, "ropa.xlsx"
    if fmt == "csv":
        return csv_bytes(ropa), CSV_TYPE, "ropa.csv"
    raise UsageError(f"no record of processing as {fmt!r}", fix="ask for xlsx or csv")
