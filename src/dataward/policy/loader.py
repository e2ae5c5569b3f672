"""Reading YAML so that every key and value remembers where it was written.

PyYAML's `safe_load` forgets positions and silently keeps the last of two equal keys. Here the
document is composed into nodes (libyaml when available), and Python values are built from the
nodes by hand: each mapping key and each value is recorded in a `SourceMap` under its key path,
and a repeated key is a problem, not a quiet overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dataward.core.errors import Problem
from dataward.core.files import read_regular_file

PathKey = tuple[str | int, ...]

# libyaml composes about ten times faster than the pure-Python parser: a 500-activity policy
# should check in well under a second.
FAST_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE_TAG = "tag:yaml.org,2002:merge"
# A policy of 500 activities is about 1 MB. Anything far past that is a mistake or an attack;
# and a 351-byte "billion laughs" of nested aliases expands to millions of values, so the
# values built again for an alias (`*name`, `<<: *name`) are bounded too: a policy that merges
# a base into each of 500 activities repeats a few thousand.
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_ALIAS_VALUES = 50_000
_STR_TAG = "tag:yaml.org,2002:str"


class _Loader(FAST_SAFE_LOADER):  # type: ignore[misc,valid-type]  # CSafeLoader or SafeLoader, chosen above
    """Remembers each plain scalar's tag: a policy repeats the same keys and values thousands
    of times, and the resolver tries a list of regular expressions on every one."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._tags: dict[tuple[str, Any], str] = {}

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        if kind is not ScalarNode:
            return str(super().resolve(kind, value, implicit))
        key = (value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = str(super().resolve(kind, value, implicit))
        return tag


class Position(NamedTuple):
    """1-based line and column in a file, as editors count them."""

    file: str
    line: int
    column: int


def format_path(path: Iterable[str | int]) -> str:
    """`("activities", 2, "purpose")` → `activities[2].purpose`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document was written, by key path."""

    file: str
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    texts: dict[PathKey, str] = field(default_factory=dict)

    def value(self, path: Iterable[str | int]) -> Position:
        """The position of the value at `path`, or of its nearest recorded ancestor."""
        parts = tuple(path)
        while parts:
            found = self.values.get(parts)
            if found is not None:
                return found
            parts = parts[:-1]
        return self.values.get((), Position(self.file, 1, 1))

    def key(self, path: Iterable[str | int]) -> Position:
        """The position of the key naming `path` (for an unknown or repeated key)."""
        parts = tuple(path)
        return self.keys.get(parts) or self.value(parts)

    def text(self, path: Iterable[str | int]) -> str | None:
        """A scalar as it was written, before YAML turned `NO` into false or `010` into 8."""
        return self.texts.get(tuple(path))

    def copy(self, path: PathKey, other: SourceMap, other_path: PathKey) -> None:
        """Record what `other` knows of `other_path` (not its children) as this map's `path`."""
        for target, source in ((self.values, other.values), (self.keys, other.keys)):
            found = source.get(other_path)
            if found is not None:
                target[path] = found
        text = other.texts.get(other_path)
        if text is not None:
            self.texts[path] = text

    def problem(
        self,
        path: PathKey,
        message: str,
        fix: str | None = None,
        *,
        severity: str = "error",
        at_key: bool = False,
    ) -> Problem:
        """A problem placed at the value (or the key) of `path`."""
        where = self.key(path) if at_key else self.value(path)
        return Problem(
            where.file, where.line, where.column, format_path(path), message, fix, severity
        )


@dataclass
class Document:
    """A YAML file as Python values, their positions, and the problems met reading it."""

    data: Any
    source: SourceMap
    problems: list[Problem] = field(default_factory=list)


def _position(file: str, node: Node) -> Position:
    return Position(file, node.start_mark.line + 1, node.start_mark.column + 1)


class _TooManyValues(Exception):
    """Raised deep inside the builder; read_yaml turns it into one located problem."""

    def __init__(self, path: PathKey) -> None:
        super().__init__(format_path(path))
        self.path = path


class _Builder:
    """Builds Python values from composed nodes, recording positions as it goes."""

    def __init__(self, source: SourceMap, *, max_values: int = MAX_ALIAS_VALUES) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.constructor = yaml.SafeLoader("")  # only its scalar constructors are used
        self._open: set[int] = set()
        self._built: set[int] = set()
        self._budget = max_values

    def build(self, node: Node, path: PathKey) -> Any:
        if id(node) in self._built:  # reached again through an alias
            self._budget -= 1
            if self._budget < 0:
                raise _TooManyValues(path)
        else:
            self._built.add(id(node))
        if isinstance(node, ScalarNode):
            value = self._scalar(node, path)
        elif id(node) in self._open:
            self.source.values[path] = _position(self.source.file, node)
            self.problems.append(
                self.source.problem(
                    path,
                    "an alias refers to the value that contains it",
                    "point the alias (`*name`) at an anchor outside this value",
                )
            )
            return None
        else:
            self._open.add(id(node))
            try:
                value = self._collection(node, path)
            finally:
                self._open.discard(id(node))
        # Recorded after the children so that a merged mapping (`<<: *base`) cannot claim it.
        self.source.values[path] = _position(self.source.file, node)
        return value

    def _collection(self, node: Node, path: PathKey) -> Any:
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        raise TypeError(f"unexpected YAML node {node!r}")  # compose yields only these three

    def _scalar(self, node: ScalarNode, path: PathKey) -> Any:
        self.source.texts[path] = node.value
        if node.tag == _STR_TAG:
            return node.value  # most scalars: skip the constructor's bookkeeping
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            self.problems.append(
                self.source.problem(
                    path,
                    f"cannot read this value: {exc.problem}",
                    "quote it to keep it as text",
                )
            )
            return node.value
        except ValueError:
            # A timestamp with no such day (2024-13-01): keep the text and let the schema say
            # what it expected there.
            return node.value

    def _mapping(self, node: MappingNode, path: PathKey) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        seen: dict[Any, Position] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.update(self._merge(value_node, path))
                continue
            key_position = _position(self.source.file, key_node)
            if not isinstance(key_node, ScalarNode):
                self.problems.append(
                    Problem(
                        key_position.file,
                        key_position.line,
                        key_position.column,
                        format_path(path),
                        "a key must be plain text, not a list or a mapping",
                        "write the key as a plain word followed by a colon",
                    )
                )
                continue
            key = self.constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                key = key_node.value
            child = (*path, key)
            if key in seen:
                first = seen[key]
                self.problems.append(
                    Problem(
                        key_position.file,
                        key_position.line,
                        key_position.column,
                        format_path(child),
                        f"key {key!r} appears twice in this mapping (first at line {first.line})",
                        "keep one of them: YAML would silently use only the last",
                    )
                )
                continue
            seen[key] = key_position
            self.source.keys[child] = key_position
            result[key] = self.build(value_node, child)
        # Explicit keys win over merged ones, as YAML's merge-key rule says.
        return {**{k: v for k, v in merged.items() if k not in result}, **result}

    def _merge(self, node: Node, path: PathKey) -> dict[Any, Any]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in reversed(sources):  # earlier mappings in the list take precedence
            value = self.build(source, path)
            if isinstance(value, dict):
                merged.update(value)
            else:
                self.problems.append(
                    self.source.problem(
                        path,
                        "`<<` must merge a mapping or a list of mappings",
                        "anchor a mapping (`&base`) and merge it with `<<: *base`",
                    )
                )
        return merged


def read_yaml(text: str, *, file: str, max_values: int = MAX_ALIAS_VALUES) -> Document:
    """Parse one YAML document; a syntax error becomes a problem at its own line and column."""
    source = SourceMap(file)
    if len(text) > MAX_DOCUMENT_BYTES:
        problem = Problem(
            file,
            1,
            1,
            "",
            f"the file is {len(text):,} characters long, more than the "
            f"{MAX_DOCUMENT_BYTES:,} a policy may have",
            "split the datasets into `dataset_file:` files, or check this is the right file",
        )
        return Document(None, source, [problem])
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        at = mark.index if mark is not None else -1
        fix = _syntax_fix(message, text[at] if 0 <= at < len(text) else "")
        problem = Problem(file, line, column, "", f"YAML syntax error: {message}", fix)
        return Document(None, source, [problem])
    except yaml.YAMLError as exc:
        problem = Problem(file, 1, 1, "", f"YAML error: {exc}", "check the file is YAML text")
        return Document(None, source, [problem])
    if root is None:
        problem = Problem(
            file, 1, 1, "", "the file is empty", "write at least `organisation:` and `activities:`"
        )
        return Document(None, source, [problem])
    builder = _Builder(source, max_values=max_values)
    try:
        data = builder.build(root, ())
    except _TooManyValues as exc:
        # Report at the innermost key written in the file: deeper paths are alias expansions.
        written: PathKey = exc.path
        while written and written not in source.keys:
            written = written[:-1]
        problem = source.problem(
            written,
            f"aliases here expand to more than {max_values:,} values",
            "write the values out, or use fewer nested aliases (`*name`)",
            at_key=True,
        )
        return Document(None, source, [problem])
    return Document(data, source, builder.problems)


def read_document(path: Path) -> bytes:
    """The bytes of a policy or dataset file: a regular file of at most MAX_DOCUMENT_BYTES."""
    return read_regular_file(path, limit=MAX_DOCUMENT_BYTES)


def _syntax_fix(message: str, found: str) -> str:
    if "tab" in message or found == "\t":
        return "indent with spaces, not tabs"
    if "mapping values are not allowed" in message:
        return "quote a value that contains ': ', or check the indentation of the line"
    if "expected a single document" in message:
        return "keep one document per file: remove the extra `---`"
    if "found undefined alias" in message:
        return "define the anchor (`&name`) before using `*name`"
    return "check the indentation and quoting around this point"
