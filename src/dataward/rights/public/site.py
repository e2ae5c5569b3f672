"""What the privacy centre knows about the business: its policy, the rights it grants, and the
choices a request form offers, in the words of its published notice."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from dataward.core.errors import UsageError
from dataward.core.runtime import Runtime
from dataward.notice.build import build_notice
from dataward.notice.structure import Notice
from dataward.policy.schema import DatasetField, Policy
from dataward.policy.service import LoadedPolicy
from dataward.policy.taxonomy import taxonomy_for
from dataward.policy.web import served_policy
from dataward.rights.holdings import category_label, covers
from dataward.rights.models import RequestKind
from dataward.rights.schemas import EMAIL, PHONE_NUMBER

REFERENCE = re.compile(r"^DW-\d{4}-\d{6,}$")

# The rights in the order the home page offers them, with the words a person would use.
RIGHTS: dict[RequestKind, tuple[str, str]] = {
    RequestKind.ACCESS: ("Get a copy of my data", "a copy of the personal data we hold about you"),
    RequestKind.ERASURE: ("Delete my data", "the deletion of the personal data we hold about you"),
    RequestKind.RECTIFICATION: (
        "Correct my data",
        "the correction of personal data we hold about you that is wrong or incomplete",
    ),
    RequestKind.RESTRICTION: (
        "Restrict how my data is used",
        "a pause on how we use your data: we keep it but use it for nothing else, for a while",
    ),
    RequestKind.OBJECTION: (
        "Object to how my data is used",
        "an end to a use of your data that you object to",
    ),
    RequestKind.PORTABILITY: (
        "Take my data to another service",
        "the data you gave us in a machine-readable form, to take elsewhere",
    ),
}


def checked_reference(text: str) -> str:
    """A reference as printed on our emails; anything else is refused before any lookup."""
    cleaned = text.strip().upper()
    if not REFERENCE.match(cleaned):
        raise UsageError(
            "that does not look like one of our references",
            fix="copy it from the email we sent, e.g. DW-2026-000123",
        )
    return cleaned


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass
class Site:
    loaded: LoadedPolicy

    @property
    def policy(self) -> Policy:
        return self.loaded.policy

    @property
    def organisation(self) -> str:
        return self.policy.organisation.name

    @cached_property
    def notice(self) -> Notice:
        return build_notice(self.loaded)

    @cached_property
    def kinds(self) -> list[RequestKind]:
        """The rights the business's notice grants, in the home page's order."""
        granted = {right.key for right in self.notice.rights}
        return [kind for kind in RIGHTS if kind.value in granted]

    @cached_property
    def asks_phone(self) -> bool:
        return PHONE_NUMBER in self.identities

    @cached_property
    def identities(self) -> set[str]:
        return {f.identity for _s, _c, f in self.fields() if f.identity is not None} | {EMAIL}

    def fields(self) -> list[tuple[str, str, DatasetField]]:
        return [
            (system.name, collection.name, item)
            for system in self.policy.systems
            if system.dataset is not None
            for collection in system.dataset.collections
            for item in collection.fields
        ]

    @cached_property
    def _notice_labels(self) -> dict[str, str]:
        return {c.key: c.label for p in self.notice.purposes for c in p.categories}

    def category_name(self, key: str) -> str:
        """What the notice calls a category: its own label for it or for the nearest broader
        one it lists, else the taxonomy's name."""
        labels = self._notice_labels
        broader = [k for k in labels if covers(k, key)]
        if broader:
            return labels[max(broader, key=len)]
        return category_label(taxonomy_for(self.policy), key)

    @cached_property
    def correctable(self) -> list[Choice]:
        """What a correction request may name: the categories of fields marked correctable,
        or, when none is, of every field holding a plain personal detail."""
        marked = [f for _s, _c, f in self.fields() if f.correctable]
        plain = marked or [
            f
            for _s, _c, f in self.fields()
            if not (f.primary_key or f.identity or f.references or f.file)
        ]
        keys = {c for f in plain for c in f.categories if c.startswith("user.")}
        return sorted((Choice(k, self.category_name(k)) for k in keys), key=lambda c: c.label)

    @cached_property
    def purposes(self) -> list[Choice]:
        """Purposes a person may object to or want restricted, as the notice states them."""
        seen: dict[str, str] = {}
        for purpose in self.notice.purposes:
            seen.setdefault(purpose.purpose_key, purpose.purpose_text)
        return [Choice(k, text[:1].upper() + text[1:]) for k, text in seen.items()]


_LAST: list[Site] = []


def site(runtime: Runtime) -> Site:
    """The site for the served policy (DATAWARD_POLICY), kept while the policy file is
    unchanged (its notice and choices are worked out once, not on every page)."""
    loaded = served_policy(runtime)
    kept = _LAST[0] if _LAST else None
    if kept is not None and kept.loaded is loaded:
        return kept
    fresh = Site(loaded)
    _LAST[:] = [fresh]
    return fresh
