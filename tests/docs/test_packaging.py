"""The examples ship inside the package, so `dataward examples` and `dataward demo` work from a
normal (non-editable) install, and a missing faker says which extra to install."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import setuptools
from typer.testing import CliRunner

from dataward.cli import app
from dataward.examples.catalogue import EXAMPLES

REPO = Path(__file__).resolve().parents[2]
SETUP = "import setuptools; setuptools.setup()"


def _build_installed_copy(into: Path) -> Path:
    """What an install of this checkout puts in site-packages: setuptools' build_py output.

    build_py is the step that picks the packages and package data a wheel contains; building
    the wheel itself needs the `wheel` package, which the shared virtualenv lacks.
    """
    source = into / "source"
    source.mkdir()
    shutil.copy(REPO / "README.md", source / "README.md")
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__"))
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    if int(setuptools.__version__.split(".")[0]) < 77:
        # Older setuptools cannot read an SPDX license string; the metadata is not under test.
        pyproject = re.sub(r'^license = "(.+)"$', r'license = {text = "\1"}', pyproject, flags=re.M)
    (source / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    installed = into / "site"
    subprocess.run(
        [sys.executable, "-c", SETUP, "build_py", "--build-lib", str(installed)],
        cwd=source,
        check=True,
        capture_output=True,
    )
    return installed


@pytest.mark.slow
def test_an_install_ships_the_examples_and_they_run_from_it(tmp_path: Path) -> None:
    installed = _build_installed_copy(tmp_path)
    for business in EXAMPLES:
        folder = installed / "dataward" / "examples" / "businesses" / business
        for file in ("dataward.yaml", "README.md", "generate.py", "tables.py", "records.py"):
            assert (folder / file).is_file(), f"{folder / file} would not be installed"

    # Run the installed copy, not the checkout.
    environment = {**os.environ, "PYTHONPATH": str(installed), "DATAWARD_HOME": str(tmp_path)}
    command = [sys.executable, "-c", "from dataward.cli import main; main()"]
    listed = subprocess.run(
        [*command, "examples", "list", "--json"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    for row in json.loads(listed.stdout):
        assert Path(row["policy"]).is_relative_to(installed), row
    generated = subprocess.run(
        [*command, "examples", "generate", "support", "--out", "systems", "--people", "5"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert generated.returncode == 0, generated.stderr
    assert (tmp_path / "systems" / "systems.env").is_file()


def test_generating_without_faker_names_the_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "faker", None)  # makes `import faker` fail as if absent
    result = CliRunner().invoke(app, ["examples", "generate", "voip", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "pip install 'dataward[examples]'" in result.output
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_an_install_ships_every_domains_templates_and_the_static_files(tmp_path: Path) -> None:
    installed = _build_installed_copy(tmp_path) / "dataward"
    source = REPO / "src" / "dataward"
    wanted = [
        path.relative_to(source)
        for pattern in ("*/templates/**/*", "templates/**/*", "static/**/*")
        for path in source.glob(pattern)
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert Path("accounts/templates/accounts/sign_in.html") in wanted
    assert Path("static/htmx/htmx.min.js") in wanted
    missing = [str(path) for path in wanted if not (installed / path).is_file()]
    assert missing == []
