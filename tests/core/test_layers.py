"""core/ is the ground floor: it imports no domain, so domains can be added without touching it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import dataward

PACKAGE = Path(dataward.__file__).resolve().parent
# A dotted name inside dataward that is neither core nor the package itself.
DOTTED = re.compile(r"^dataward\.(\w+)")


def _above_core(name: str) -> bool:
    match = DOTTED.match(name)
    if match is None or match.group(1) == "core":
        return False
    # Only a real part of the package counts: "dataward.db" is a file name, not a module.
    part = match.group(1)
    return (PACKAGE / part).is_dir() or (PACKAGE / f"{part}.py").is_file()


def _reaches_above(module: Path) -> list[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found: list[str] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "dataward":
                names = [f"dataward.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # importlib.import_module("dataward.rights...") is an import too.
            names = [node.value]
        found += [f"{module.name}:{node.lineno}: {n}" for n in names if _above_core(n)]
    return found


def test_no_module_in_core_imports_a_domain() -> None:
    modules = sorted((PACKAGE / "core").glob("*.py"))
    assert len(modules) > 5
    offences = [line for module in modules for line in _reaches_above(module)]
    assert offences == []


def test_the_layer_check_sees_an_import_of_a_domain(tmp_path: Path) -> None:
    module = tmp_path / "leaky.py"
    module.write_text(
        "import importlib\n"
        "from dataward.rights import service\n"
        "from dataward import domains\n"
        "from dataward.core import jobs\n"
        "importlib.import_module('dataward.retention.jobs')\n"
    )
    assert [line.split(": ")[1] for line in _reaches_above(module)] == [
        "dataward.rights",
        "dataward.domains",
        "dataward.retention.jobs",
    ]
