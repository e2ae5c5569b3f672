"""The whole `dataward` command tree, walked, so that a new command is covered automatically."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import typer
from typer import _click as click
from typer.core import TyperArgument, TyperOption

from dataward.cli import app


@dataclass(frozen=True)
class Leaf:
    """A command users run, e.g. ("rights", "access"), with its parameters."""

    words: tuple[str, ...]
    params: tuple[Any, ...]

    @property
    def name(self) -> str:
        return " ".join(self.words)

    def options(self) -> list[TyperOption]:
        return [p for p in self.params if isinstance(p, TyperOption)]

    def arguments(self) -> list[TyperArgument]:
        return [p for p in self.params if isinstance(p, TyperArgument)]

    def has_option(self, flag: str) -> bool:
        return any(flag in p.opts for p in self.options())


def leaves() -> Iterator[Leaf]:
    def walk(command: Any, words: tuple[str, ...]) -> Iterator[Leaf]:
        children = getattr(command, "commands", None)
        if children is None:
            yield Leaf(words, tuple(command.params))
            return
        for name in sorted(children):
            # The root group builds a command from its modules only when asked for it: ask,
            # so that every command is walked with its real parameters.
            child = command.get_command(click.Context(command), name)
            yield from walk(child, (*words, name))

    yield from walk(typer.main.get_command(app), ())


def annotation(param: Any) -> Any:
    return param.type_descriptor.annotation
