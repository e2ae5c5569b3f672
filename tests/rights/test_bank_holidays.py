"""The shipped snapshot of bank holidays against the `holidays` library it was taken from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dataward.policy.schema import Nation
from dataward.rights import bank_holidays
from dataward.rights.bank_holidays import FIRST_YEAR, LAST_YEAR, from_library


@pytest.mark.parametrize("nation", list(Nation))
def test_the_snapshot_is_the_librarys_answer_for_every_year_it_covers(nation: Nation) -> None:
    # Fails when the library learns of a new bank holiday (a coronation, a jubilee):
    # `python -m dataward.rights.bank_holidays` writes the snapshot again.
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        assert bank_holidays.bank_holidays(nation, year) == from_library(nation, year), year


def test_the_snapshot_file_is_what_write_snapshot_writes(tmp_path: Path) -> None:
    fresh = tmp_path / "bank_holidays.json"
    bank_holidays.write_snapshot(fresh)
    assert fresh.read_text("utf-8") == bank_holidays.SNAPSHOT.read_text("utf-8")


def test_years_beyond_the_snapshot_come_from_the_library() -> None:
    # 2041 is past the snapshot: its Christmas is still known, from the library.
    later = bank_holidays.bank_holidays(Nation.SCOTLAND, LAST_YEAR + 1)
    assert later[date(LAST_YEAR + 1, 12, 25)] == "Christmas Day"
    earlier = bank_holidays.bank_holidays(Nation.NORTHERN_IRELAND, FIRST_YEAR - 1)
    assert earlier[date(FIRST_YEAR - 1, 7, 12)] == "Battle of the Boyne"


def test_a_year_in_the_snapshot_is_read_from_it_not_the_library(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(nation: Nation, year: int) -> dict[date, str]:
        raise AssertionError("the library was consulted for a year in the snapshot")

    monkeypatch.setattr(bank_holidays, "from_library", refuse)
    days = bank_holidays.bank_holidays(Nation.ENGLAND_AND_WALES, 2023)
    # The coronation of King Charles III: a one-off bank holiday, known to the snapshot.
    assert days[date(2023, 5, 8)] == "Coronation of Charles III"
    assert len(days) == 10  # with New Year's Day, a Sunday, and its Monday substitute
