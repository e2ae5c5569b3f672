"""Loading TPS/CTPS files: streamed in bounded memory, normalised, replaced atomically."""

from __future__ import annotations

import json
import random
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from people.factories import CliRun
from sqlalchemy import func, select

from dataward.audit import service as audit
from dataward.consent import tps, tps_loading
from dataward.consent.models import TpsFile, TpsNumber
from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime


def _numbers(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [f"0{rng.randint(1_000_000_000, 9_999_999_999)}" for _ in range(count)]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def _rows(runtime: Runtime, list_name: str = "tps") -> int:
    with runtime.transaction() as session:
        file = tps.current_file(session=session, list_name=list_name)
        assert file is not None
        count = session.scalar(
            select(func.count()).select_from(TpsNumber).where(TpsNumber.file_id == file.id)
        )
        return int(count or 0)


def test_import_normalises_every_format_and_skips_what_is_not_a_number(
    cli: CliRun, tmp_path: Path
) -> None:
    file = _write(
        tmp_path / "tps.txt",
        [
            "# TPS full file",
            "01632 960001",
            "+44 1632 960002",
            "01632960003",
            "01632960003",  # twice in the file: one number
            "",
            "not a number",
            '=HYPERLINK("http://x")',
            "9" * 500,
        ],
    )
    result = cli("tps", "import", str(file), "--list", "tps", "--as-of", "2026-02-20", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["rows"] == 3
    assert report["rejected_lines"] == 3
    status = json.loads(cli("tps", "status", "--json").output)
    assert status == [
        {"list": "tps", "imported": True, "as_of": "2026-02-20", "rows": 3,
         "age_days": 10, "stale": False},
        {"list": "ctps", "imported": False, "as_of": None, "rows": 0,
         "age_days": None, "stale": True},
    ]  # fmt: skip


def test_status_says_stale_past_28_days(cli: CliRun, tmp_path: Path) -> None:
    file = _write(tmp_path / "ctps.txt", ["01632960001"])
    assert cli("tps", "import", str(file), "--list", "ctps", "--as-of", "2026-02-01").exit_code == 0
    status = {s["list"]: s for s in json.loads(cli("tps", "status", "--json").output)}
    assert status["ctps"]["age_days"] == 29
    assert status["ctps"]["stale"] is True
    text = cli("tps", "status").output
    assert "stale" in text and "not imported" in text


def test_a_file_from_the_future_or_an_unknown_list_is_refused(cli: CliRun, tmp_path: Path) -> None:
    file = _write(tmp_path / "tps.txt", ["01632960001"])
    future = cli("tps", "import", str(file), "--list", "tps", "--as-of", "2026-04-01")
    assert future.exit_code == 2
    assert "in the future" in future.output
    unknown = cli("tps", "import", str(file), "--list", "mps", "--as-of", "2026-03-01")
    assert unknown.exit_code == 2
    assert "Traceback" not in unknown.output


def test_a_binary_file_is_refused_and_leaves_the_current_list(
    runtime: Runtime, tmp_path: Path
) -> None:
    good = _write(tmp_path / "good.txt", _numbers(50))
    tps_loading.import_list(
        runtime=runtime, path=good, list_name="tps", as_of=date(2026, 3, 1), actor="t"
    )
    binary = tmp_path / "binary.bin"
    binary.write_bytes(bytes(range(256)) * 4000)
    with pytest.raises(UsageError, match="holds no phone numbers"):
        tps_loading.import_list(
            runtime=runtime, path=binary, list_name="tps", as_of=date(2026, 3, 2), actor="t"
        )
    assert _rows(runtime) == 50
    with runtime.transaction() as session:
        states = session.scalars(select(TpsFile.state)).all()
    assert states == ["current"]


def test_a_reimport_replaces_the_list_and_drops_the_old_numbers(
    runtime: Runtime, tmp_path: Path
) -> None:
    first = _write(tmp_path / "first.txt", _numbers(120, seed=1))
    second = _write(tmp_path / "second.txt", _numbers(80, seed=2))
    tps_loading.import_list(
        runtime=runtime, path=first, list_name="tps", as_of=date(2026, 2, 1), actor="t"
    )
    report = tps_loading.import_list(
        runtime=runtime, path=second, list_name="tps", as_of=date(2026, 3, 1), actor="cli:dpo"
    )
    assert (report.row_count, report.replaced_rows) == (80, 120)
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(TpsNumber)) == 80
        files = {f.state: f for f in session.scalars(select(TpsFile))}
        assert set(files) == {"current", "retired"}
        assert files["current"].as_of == date(2026, 3, 1)
        events = list(
            audit.events(session=session, where=audit.EventFilter(action_prefix="consent.tps"))
        )
    assert [e.details["rows"] for e in events] == [120, 80]
    assert events[-1].details["replaces"] == [files["retired"].id]


def test_an_interrupted_import_leaves_the_old_list_in_force(
    runtime: Runtime, tmp_path: Path
) -> None:
    old = _write(tmp_path / "old.txt", _numbers(30, seed=3))
    tps_loading.import_list(
        runtime=runtime, path=old, list_name="ctps", as_of=date(2026, 3, 1), actor="t"
    )
    new = _write(tmp_path / "new.txt", _numbers(tps_loading.BATCH * 3, seed=4))
    read = 0

    def interrupt(size: int) -> None:
        nonlocal read
        read += size
        if read > 300_000:  # a few batches are in, uncommitted to the list
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tps_loading.import_list(
            runtime=runtime,
            path=new,
            list_name="ctps",
            as_of=date(2026, 3, 2),
            actor="t",
            progress=interrupt,
        )
    assert _rows(runtime, "ctps") == 30
    with runtime.transaction() as session:
        assert session.scalar(select(func.count()).select_from(TpsNumber)) == 30


def test_a_large_file_loads_in_bounded_memory(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 200,000 numbers held at once would take over 15 MB of Python objects; sorted in runs of
    # 20,000 and inserted in batches of 2,000, the peak is a run's worth, whatever the size of
    # the file. The bench loads the full 18 million with the real sizes.
    monkeypatch.setattr(tps_loading, "BATCH", 2_000)
    monkeypatch.setattr(tps_loading, "RUN", 20_000)
    count = 200_000
    path = tmp_path / "big.txt"
    rng = random.Random(11)
    with path.open("w", encoding="ascii") as stream:
        for _ in range(count):
            stream.write(f"0{rng.randint(1_000_000_000, 9_999_999_999)}\n")
    tracemalloc.start()
    try:
        report = tps_loading.import_list(
            runtime=runtime, path=path, list_name="tps", as_of=date(2026, 3, 1), actor="t"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.row_count > count * 0.99  # a few random duplicates
    assert peak < 8 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_one_enormous_line_is_skipped_without_reading_it_into_memory(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = tmp_path / "hostile.txt"
    with path.open("wb") as stream:
        stream.write(b"01632960001\n")
        for _ in range(64):
            stream.write(b"7" * (1 << 20))  # 64 MB without a newline
        stream.write(b"\n01632960002\n")
    tracemalloc.start()
    try:
        report = tps_loading.import_list(
            runtime=runtime, path=path, list_name="tps", as_of=date(2026, 3, 1), actor="t"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (report.row_count, report.rejected_lines) == (2, 1)
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


def test_numbers_repeated_across_sorted_runs_are_loaded_once_and_all_found(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tps_loading, "RUN", 7)
    monkeypatch.setattr(tps_loading, "BATCH", 5)
    numbers = _numbers(30, seed=9)
    path = _write(tmp_path / "tps.txt", numbers + numbers[::-1] + numbers[:3])
    report = tps_loading.import_list(
        runtime=runtime, path=path, list_name="tps", as_of=date(2026, 3, 1), actor="t"
    )
    assert report.row_count == len(set(numbers)) == _rows(runtime)
    with runtime.transaction() as session:
        keys = [tps.number_key(n) for n in numbers]
        assert tps.listed_numbers(session=session, list_name="tps", keys=keys) == set(keys)
