"""The UK's bank holidays by nation: a snapshot for 2000-2040 shipped with Dataward, and the
`holidays` library for any other year.

Building the library's calendar for one nation and year costs about a quarter of a second of
CPU, paid by every command that counts a deadline. The snapshot (bank_holidays.json) is the
library's own answer for those years, written by `python -m dataward.rights.bank_holidays`;
tests/rights/test_bank_holidays.py compares the two for every year, so they cannot drift
apart unnoticed: when a new bank holiday is announced and the library learns it, that test
fails until the snapshot is written again.
"""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path

from dataward.policy.schema import Nation

FIRST_YEAR = 2000
LAST_YEAR = 2040
SNAPSHOT = Path(__file__).with_name("bank_holidays.json")

# The `holidays` package names the UK's nations as subdivisions of GB. England and Wales share
# their bank holidays, so ENG stands for both.
SUBDIVISIONS: dict[Nation, str] = {
    Nation.ENGLAND_AND_WALES: "ENG",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


def from_library(nation: Nation, year: int) -> dict[date, str]:
    """The `holidays` library's bank holidays of that nation and year, by date."""
    import holidays  # here, not at the top: needed only beyond the snapshot's years

    calendar = holidays.country_holidays("GB", subdiv=SUBDIVISIONS[nation], years=year)
    return {day: str(name) for day, name in calendar.items() if day.year == year}


@functools.cache
def _snapshot() -> dict[str, dict[str, dict[str, str]]]:
    loaded: dict[str, dict[str, dict[str, str]]] = json.loads(SNAPSHOT.read_text("utf-8"))
    return loaded


@functools.lru_cache(maxsize=64)
def bank_holidays(nation: Nation, year: int) -> dict[date, str]:
    """That nation's bank holidays in that year, by date: the snapshot's, else the library's
    (kept per nation and year: every deadline counted asks again; not to be changed)."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return from_library(nation, year)
    days = _snapshot()[Nation(nation).value][str(year)]
    return {date.fromisoformat(day): name for day, name in days.items()}


def write_snapshot(path: Path = SNAPSHOT) -> None:
    """Write the library's bank holidays for FIRST_YEAR to LAST_YEAR, every nation, to `path`."""
    snapshot = {
        nation.value: {
            str(year): {
                day.isoformat(): name for day, name in sorted(from_library(nation, year).items())
            }
            for year in range(FIRST_YEAR, LAST_YEAR + 1)
        }
        for nation in Nation
    }
    path.write_text(json.dumps(snapshot, indent=1, ensure_ascii=False) + "\n", "utf-8")


if __name__ == "__main__":
    write_snapshot()
