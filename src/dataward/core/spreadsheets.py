"""Cells that a spreadsheet program would run as a formula are written as text."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is a formula (or becomes one) in Excel, LibreOffice and
# Google Sheets: `=HYPERLINK(...)` in a ticket body would run when the person opens the file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A leading apostrophe makes the cell literal text; numbers and empties pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
