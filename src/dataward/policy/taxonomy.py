"""The vocabulary of the data map: fideslang's taxonomy, Dataward's extensions, the policy's own.

Data categories, data uses and data subjects are dotted keys (`user.contact.email`). Each key
names its parent; a key counts as special-category or criminal-offence data when it or any
ancestor is flagged (extensions.yaml lists the fideslang keys that are).
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, Literal

import yaml

from dataward.policy.loader import FAST_SAFE_LOADER
from dataward.policy.schema import Policy

Origin = Literal["fideslang", "dataward", "policy"]

# fideslang's default taxonomy, as data: importing fideslang builds its pydantic models, a third
# of the time `dataward check` takes. tests/policy/test_taxonomy_snapshot.py compares this file
# with fideslang itself, so an upgrade that changes the taxonomy fails until it is regenerated
# (`python -m dataward.policy.taxonomy_snapshot`).
SNAPSHOT = "fideslang_taxonomy.json"
VOCABULARIES = ("data_category", "data_use", "data_subject")


@dataclass(frozen=True)
class Term:
    key: str
    parent: str | None
    name: str
    description: str = ""
    origin: Origin = "fideslang"
    special: bool = False
    criminal: bool = False
    deprecated: bool = False
    replaced_by: str | None = None


class Vocabulary:
    """One kind of key (categories, uses or subjects) with lookups by ancestry and by likeness."""

    def __init__(self, kind: str, terms: Iterable[Term]) -> None:
        self.kind = kind
        self.terms: dict[str, Term] = {term.key: term for term in terms}
        self._by_segment: dict[str, list[str]] | None = None

    def __contains__(self, key: object) -> bool:
        return key in self.terms

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms.values())

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, key: str) -> Term | None:
        return self.terms.get(key)

    def label(self, key: str) -> str:
        """A readable name: the term's own, else the last segment of the key."""
        term = self.terms.get(key)
        if term is not None:
            return term.name
        return key.rsplit(".", 1)[-1].replace("_", " ").capitalize()

    def lineage(self, key: str) -> list[str]:
        """The key and its ancestors, nearest first; stops at an unknown parent or a cycle."""
        chain: list[str] = []
        current: str | None = key
        while current is not None and current not in chain:
            chain.append(current)
            term = self.terms.get(current)
            current = term.parent if term is not None else None
        return chain

    def within(self, key: str, ancestor: str) -> bool:
        """True when `key` is `ancestor` or descends from it."""
        return ancestor in self.lineage(key)

    def overlaps(self, first: str, second: str) -> bool:
        """True when one key is the other or an ancestor of it."""
        return self.within(first, second) or self.within(second, first)

    def suggest(self, key: str) -> str | None:
        """The nearest known key, judged on the whole key and on its last segment."""
        keys = list(self.terms)
        best: str | None = None
        best_score = 0.0
        for candidate in difflib.get_close_matches(key, keys, n=1, cutoff=0.6):
            best, best_score = candidate, difflib.SequenceMatcher(None, key, candidate).ratio()
        last = key.rsplit(".", 1)[-1]
        segments = self._segments()
        for segment in difflib.get_close_matches(last, list(segments), n=1, cutoff=0.7):
            score = difflib.SequenceMatcher(None, last, segment).ratio()
            # Several keys share a last segment (user.content.email, user.contact.email): take
            # the one closest to what was written.
            candidate = max(
                segments[segment],
                key=lambda k: difflib.SequenceMatcher(None, key, k).ratio(),
            )
            if score > best_score:
                best, best_score = candidate, score
        return best

    def _segments(self) -> dict[str, list[str]]:
        if self._by_segment is None:
            by_segment: dict[str, list[str]] = {}
            for key in self.terms:
                by_segment.setdefault(key.rsplit(".", 1)[-1], []).append(key)
            self._by_segment = by_segment
        return self._by_segment

    def extended(self, terms: Iterable[Term]) -> Vocabulary:
        """A copy with `terms` added; a term already present keeps its original definition."""
        merged = dict(self.terms)
        for term in terms:
            merged.setdefault(term.key, term)
        return Vocabulary(self.kind, merged.values())


@dataclass(frozen=True)
class Taxonomy:
    categories: Vocabulary
    uses: Vocabulary
    subjects: Vocabulary

    def is_special(self, category: str) -> bool:
        """Special-category data (Art 9): the key or an ancestor is flagged."""
        return any(self._flag(key, "special") for key in self.categories.lineage(category))

    def is_criminal(self, category: str) -> bool:
        """Criminal-offence data (Art 10): the key or an ancestor is flagged."""
        return any(self._flag(key, "criminal") for key in self.categories.lineage(category))

    def _flag(self, key: str, flag: Literal["special", "criminal"]) -> bool:
        term = self.categories.get(key)
        return term is not None and getattr(term, flag)

    def with_policy(self, policy: Policy) -> Taxonomy:
        """This taxonomy plus the categories and subjects the policy defines for itself."""
        categories = self.categories.extended(
            Term(
                key=definition.key,
                parent=definition.parent,
                name=definition.name or self.categories.label(definition.key),
                description=definition.description or "",
                origin="policy",
                special=definition.special,
                criminal=definition.criminal,
            )
            for definition in policy.categories
        )
        subjects = self.subjects.extended(
            Term(
                key=subject.key,
                parent=subject.parent,
                name=subject.name or self.subjects.label(subject.key),
                description=subject.description or "",
                origin="policy",
            )
            for subject in policy.subjects
        )
        return replace(self, categories=categories, subjects=subjects)


def _fideslang_terms(
    rows: Iterable[list[Any]], *, special: set[str], criminal: set[str]
) -> list[Term]:
    """Terms from the snapshot's rows: [key, parent, name, description, deprecated, replaced_by]."""
    return [
        Term(
            key=key,
            parent=parent,
            name=name,
            description=description,
            origin="fideslang",
            special=key in special,
            criminal=key in criminal,
            deprecated=deprecated,
            replaced_by=replaced_by,
        )
        for key, parent, name, description, deprecated, replaced_by in rows
    ]


def fideslang_snapshot() -> dict[str, list[list[Any]]]:
    """The shipped copy of fideslang's default taxonomy (see SNAPSHOT)."""
    text = resources.files("dataward.policy").joinpath(SNAPSHOT).read_text("utf-8")
    snapshot: dict[str, list[list[Any]]] = json.loads(text)
    return snapshot


def _extension_terms(entries: Iterable[dict[str, Any]]) -> list[Term]:
    return [
        Term(
            key=entry["key"],
            parent=entry.get("parent"),
            name=entry["name"],
            description=entry.get("description", ""),
            origin="dataward",
            special=bool(entry.get("special", False)),
            criminal=bool(entry.get("criminal", False)),
        )
        for entry in entries
    ]


@functools.cache
def default_taxonomy() -> Taxonomy:
    """fideslang's default taxonomy with Dataward's extensions (extensions.yaml)."""
    text = resources.files("dataward.policy").joinpath("extensions.yaml").read_text("utf-8")
    # libyaml's loader where installed, as the policy loader uses: a tenth of the time.
    extensions: dict[str, Any] = yaml.load(text, Loader=FAST_SAFE_LOADER)
    flags = extensions["fideslang_flags"]
    special, criminal = set(flags["special"]), set(flags["criminal"])
    snapshot = fideslang_snapshot()
    categories = _fideslang_terms(snapshot["data_category"], special=special, criminal=criminal)
    uses = _fideslang_terms(snapshot["data_use"], special=set(), criminal=set())
    subjects = _fideslang_terms(snapshot["data_subject"], special=set(), criminal=set())
    return Taxonomy(
        categories=Vocabulary(
            "data category", categories + _extension_terms(extensions["data_categories"])
        ),
        uses=Vocabulary("data use", uses + _extension_terms(extensions["data_uses"])),
        subjects=Vocabulary(
            "data subject", subjects + _extension_terms(extensions["data_subjects"])
        ),
    )


def taxonomy_for(policy: Policy) -> Taxonomy:
    """The taxonomy a policy's keys are checked against: the default plus its own definitions."""
    return default_taxonomy().with_policy(policy)
