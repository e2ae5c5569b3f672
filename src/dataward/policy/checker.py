"""The machinery the policy checks share: where each item was written, and how to report."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dataward.core.errors import Problem
from dataward.policy.loader import PathKey, SourceMap
from dataward.policy.schema import Collection, Policy, System
from dataward.policy.taxonomy import Taxonomy, taxonomy_for

if TYPE_CHECKING:
    from dataward.connectors.base import Connector


def connector_kinds() -> Mapping[str, type[Connector]]:
    """The kinds the connector registry knows; each class declares what its kind needs."""
    # Imported when a policy is checked, not when this module is: the connectors import the
    # policy package (a module-level import would be circular) and SQLAlchemy.
    from dataward.connectors.registry import KINDS

    return KINDS


@dataclass
class Partial:
    """Which items of each top-level section survived schema validation.

    When the schema rejects an item, the rest is still checked: `indices` maps each kept item
    back to its place in the file, and `dropped` holds the names of rejected items so that a
    reference to one of them is not reported as dangling as well.
    """

    indices: dict[str, list[int]] = field(default_factory=dict)
    dropped: dict[str, set[str]] = field(default_factory=dict)
    repaired: list[PathKey] = field(default_factory=list)  # items kept without rejected keys
    removed: list[PathKey] = field(default_factory=list)  # the keys they were kept without

    def altered(self, path: PathKey) -> bool:
        """A rejected key was left out somewhere under `path`: what it implied is unknown."""
        cut = len(path)
        return any(removed[:cut] == path for removed in self.removed)

    def index(self, section: str, position: int) -> int:
        kept = self.indices.get(section)
        return kept[position] if kept is not None else position

    def is_dropped(self, section: str, name: str) -> bool:
        return name in self.dropped.get(section, set())


def collection_named(system: System, name: str) -> Collection | None:
    if system.dataset is None:
        return None
    return next((c for c in system.dataset.collections if c.name == name), None)


def nearest(word: str, options: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, options: Iterable[str], otherwise: str) -> str:
    near = nearest(word, options)
    return f"did you mean `{near}`?" if near else otherwise


class Checker:
    """Collects problems for one policy; checks_ico.py adds its warnings through it."""

    def __init__(
        self,
        policy: Policy,
        source: SourceMap,
        *,
        taxonomy: Taxonomy | None = None,
        partial: Partial | None = None,
    ) -> None:
        self.policy = policy
        self.source = source
        self.taxonomy = taxonomy or taxonomy_for(policy)
        self.partial = partial or Partial()
        self.problems: list[Problem] = []
        self.systems = {s.name: s for s in policy.systems}
        self.recipients = {r.name: r for r in policy.recipients}

    def at(self, section: str, position: int, *rest: str | int) -> PathKey:
        return (section, self.partial.index(section, position), *rest)

    def error(self, path: PathKey, message: str, fix: str | None = None) -> None:
        self.problems.append(self.source.problem(path, message, fix))

    def warning(self, path: PathKey, message: str, fix: str | None = None) -> None:
        self.problems.append(self.source.problem(path, message, fix, severity="warning"))

    def info(self, path: PathKey, message: str, fix: str | None = None) -> None:
        self.problems.append(self.source.problem(path, message, fix, severity="info"))

    def known(self, section: str, name: str, present: Iterable[str]) -> bool:
        return name in present or self.partial.is_dropped(section, name)

    def options(self, section: str, present: Iterable[str]) -> list[str]:
        """Names to suggest from: the valid ones and those the schema rejected."""
        return [*present, *sorted(self.partial.dropped.get(section, ()))]

    def system_paths(self) -> Iterable[tuple[PathKey, System]]:
        for position, system in enumerate(self.policy.systems):
            yield self.at("systems", position), system

    def collection_paths(self) -> Iterable[tuple[PathKey, System, Collection]]:
        for path, system in self.system_paths():
            if system.dataset is not None:
                for index, collection in enumerate(system.dataset.collections):
                    yield (*path, "dataset", "collections", index), system, collection
