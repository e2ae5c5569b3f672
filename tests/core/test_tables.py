"""Tables that fit the terminal print as tables; wider ones fold into `header: value` blocks."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table

from dataward.core import console

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]


def _forecast_table() -> Table:
    table = Table("Rule", "Collection", "Action", "Due now", *MONTHS, "Total")
    table.add_row("six-years", "crm/customers", "delete", "12", *("3" for _ in MONTHS), "48")
    table.add_row("[bold]all[/bold]", "", "", "12", *("3" for _ in MONTHS), "48")
    return table


def _printed(monkeypatch: pytest.MonkeyPatch, width: int, table: Table) -> str:
    buffer = io.StringIO()
    screen = Console(file=buffer, width=width, highlight=False, color_system=None)
    monkeypatch.setattr(console, "out", screen)
    console.print_table(table)
    return buffer.getvalue()


def test_a_wide_table_folds_into_one_block_per_row_at_80_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _printed(monkeypatch, 80, _forecast_table())
    blocks = text.strip().split("\n\n")
    assert len(blocks) == 2
    first = blocks[0].splitlines()
    assert first[0] == "Rule:       six-years"
    assert first[1] == "Collection: crm/customers"
    assert "2026-12:    3" in first
    assert first[-1] == "Total:      48"
    assert blocks[1].splitlines()[0] == "Rule:       all"  # markup rendered, not shown
    assert all(len(line) <= 80 for line in text.splitlines())


def test_the_same_table_stays_a_table_at_200_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _printed(monkeypatch, 200, _forecast_table())
    assert "Rule:" not in text
    header = next(line for line in text.splitlines() if "Collection" in line)
    assert "2026-01" in header and "Total" in header


def test_a_narrow_table_is_never_folded(monkeypatch: pytest.MonkeyPatch) -> None:
    table = Table("system", "records")
    table.add_row("crm", "3")
    text = _printed(monkeypatch, 80, table)
    assert "system:" not in text and "crm" in text
