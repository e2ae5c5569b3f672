"""The README is followed literally by newcomers: its "Using it" commands must work as written,
and it may only point at files inside the repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}")
    following = README.find("\n## ", start + 1)
    return README[start : following if following != -1 else len(README)]


def _shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.S)


def test_the_readme_starts_with_the_quick_start() -> None:
    headings = re.findall(r"^## (.+)$", README, flags=re.M)
    assert headings[0] == "Quick start"
    quick_start = "".join(_shell_blocks(_section("Quick start")))
    assert "./scripts/demo" in quick_start and "./scripts/test" in quick_start


def test_the_readme_links_only_to_files_in_the_repository() -> None:
    assert "../shared" not in README and "PROMISES.md" not in README
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if not target.startswith("http"):
            assert (REPO / target).exists(), f"README links to {target}, which does not exist"


@pytest.mark.slow
def test_the_using_it_blocks_run_as_written_in_an_empty_folder(tmp_path: Path) -> None:
    script = "\n".join(_shell_blocks(_section("Using it for your business")))
    assert "dataward systems test" in script
    # The quick start's .venv: the one running these tests, which has Dataward installed.
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    assert (tmp_path / ".venv" / "bin" / "activate").is_file()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DATAWARD_") and not key.startswith("SUPPORT_")
    }
    environment["PYTHONPATH"] = str(REPO / "src")  # this checkout's code, not another copy's
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in result.stderr.lower(), result.stderr
    with zipfile.ZipFile(tmp_path / "priya.zip") as package:
        assert "data.json" in package.namelist()
