"""docs/promises.md is what `scripts/promises` writes from today's test names."""

from __future__ import annotations

import subprocess
import sys
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "promises"


def _script() -> ModuleType:
    loader = SourceFileLoader("dataward_scripts_promises", str(SCRIPT))
    module = ModuleType(loader.name)
    module.__file__ = str(SCRIPT)
    loader.exec_module(module)
    return module


def test_docs_promises_is_up_to_date_with_the_tests() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_a_test_named_after_a_promise_marks_it_proved(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    (tests / "scenarios").mkdir(parents=True)
    (tests / "scenarios" / "test_enquiries.py").write_text(
        "def test_support_02_enquiry_kept():\n    pass\n\n"
        "def test_SUPPORT_020_is_not_support_02():\n    pass\n",
        encoding="utf-8",
    )
    rows = {
        line.split(" | ")[0].lstrip("| "): line for line in _script().render(tests).splitlines()
    }
    assert (
        "| proved | `tests/scenarios/test_enquiries.py::test_support_02_enquiry_kept` |"
        in (rows["support-02"])
    )
    assert "| not yet |" in rows["S-01"]
    assert "1 of 60 promises proved." in _script().render(tests)


def test_every_promise_id_appears_once_and_in_order() -> None:
    ids = [promise for promise, _ in _script().PROMISES]
    assert len(ids) == len(set(ids)) == 60
    assert ids[:15] == [f"S-{n:02d}" for n in range(1, 16)]
