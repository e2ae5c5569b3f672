"""What users read (CLI help, messages, anything a string in the code can print) speaks to
them: no promise IDs, and no pointers to specification files outside the repository."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from dataward.cli import app

SRC = Path(__file__).resolve().parents[2] / "src" / "dataward"
INTERNAL = re.compile(
    r"\b(?:S|msp|support|voip|schools|telecoms)-\d\d\b|PROMISES|\.\./shared|RULES\.md|DESIGN\.md"
)


def _commands(command: Any, path: str) -> Iterator[tuple[str, Any]]:
    yield path, command
    if hasattr(command, "list_commands"):
        context = command.context_class(command)
        for name in command.list_commands(context):
            yield from _commands(command.get_command(context, name), f"{path} {name}")


def test_cli_help_names_no_promise_or_specification_file() -> None:
    offending = []
    for path, command in _commands(typer.main.get_command(app), "dataward"):
        texts = [command.help, command.short_help, command.epilog]
        texts += [getattr(parameter, "help", None) for parameter in command.params]
        offending += [f"{path}: {text}" for text in texts if text and INTERNAL.search(text)]
    assert offending == []


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of docstring nodes: they document the code for its readers, users never see them.

    A command's docstring is its help, which the test above reads from the CLI itself."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_string_in_the_code_names_a_promise_or_specification_file() -> None:
    offending = []
    for module in sorted(SRC.rglob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and INTERNAL.search(node.value)
            ):
                offending.append(f"{module.relative_to(SRC)}:{node.lineno}: {node.value[:80]}")
    assert offending == []
