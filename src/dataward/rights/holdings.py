"""What the policy says about the data actually found on a person.

The letter, portability, restriction and the Art 19 list all start from the same question:
which activities hold this person's data? An activity holds it when one of its systems returned
a non-empty field whose category is the activity's category or a narrower or broader one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from dataward.connectors.service import FoundRecord
from dataward.policy.schema import Activity, LawfulBasis, Policy
from dataward.policy.taxonomy import Taxonomy


def related(a: str, b: str) -> bool:
    """Two taxonomy keys are related when one is the other or descends from it."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def covers(broad: str, key: str) -> bool:
    """`broad` is `key` or one of its ancestors (`marketing` covers `marketing.communications`)."""
    return key == broad or key.startswith(broad + ".")


def _present(value: object) -> bool:
    return value is not None and value != "" and value != b""


def record_categories(record: FoundRecord) -> set[str]:
    """Categories of the fields of this record that actually hold something."""
    held: set[str] = set()
    for name, categories in record.categories.items():
        if _present(record.row.get(name)):
            held.update(categories)
    return held


def categories_by_system(records: Iterable[FoundRecord]) -> dict[str, set[str]]:
    held: dict[str, set[str]] = {}
    for record in records:
        held.setdefault(record.system, set()).update(record_categories(record))
    return held


def activity_holds(activity: Activity, held: Mapping[str, set[str]]) -> set[str]:
    """The found categories this activity accounts for (empty when it holds nothing)."""
    matched: set[str] = set()
    for system in activity.systems:
        for found in held.get(system, ()):
            if any(related(found, mine) for mine in activity.categories):
                matched.add(found)
    return matched


def activities_holding(policy: Policy, held: Mapping[str, set[str]]) -> list[Activity]:
    return [a for a in policy.activities if activity_holds(a, held)]


def activities_by_place(
    policy: Policy, records: Iterable[FoundRecord]
) -> dict[tuple[str, str], list[Activity]]:
    """For each (system, collection) holding the person's records, the activities that use
    what it holds: why each item is held (voip-10)."""
    held: dict[tuple[str, str], set[str]] = {}
    for record in records:
        held.setdefault((record.system, record.collection), set()).update(record_categories(record))
    return {
        place: [a for a in policy.activities if activity_holds(a, {place[0]: categories})]
        for place, categories in held.items()
    }


def activities_for_purpose(policy: Policy, purpose: str) -> list[Activity]:
    """Activities whose purpose is `purpose` or narrower (an objection to `marketing` reaches
    `marketing.communications.email`)."""
    return [a for a in policy.activities if covers(purpose, a.purpose)]


PORTABLE_BASES = frozenset({LawfulBasis.CONSENT, LawfulBasis.CONTRACT})


def portable(activity: Activity) -> bool:
    """Art 20: consent or contract only; the policy can still say an activity is not automated."""
    if activity.portable is not None:
        return activity.portable and activity.lawful_basis in PORTABLE_BASES
    return activity.lawful_basis in PORTABLE_BASES


def field_categories_for(activities: Iterable[Activity]) -> set[str]:
    keys: set[str] = set()
    for activity in activities:
        keys.update(activity.categories)
    return keys


def category_label(taxonomy: Taxonomy, key: str) -> str:
    """A readable name for a data category, in sentence case for a letter: the taxonomy's
    name ('User Contact Email', Dataward's 'Call recording', the policy's own) without the
    'User' prefix, acronyms kept ('IP address')."""
    name = re.sub(r"^(User Contact|User)\s+", "", taxonomy.categories.label(key))
    words = [w if w[1:2].isupper() else w.lower() for w in name.split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def purpose_label(activity: Activity) -> str:
    if activity.purpose_text:
        return activity.purpose_text
    if activity.description:
        return activity.description
    return activity.name


BASIS_TEXT: Mapping[LawfulBasis, str] = {
    LawfulBasis.CONSENT: "your consent (Art 6(1)(a))",
    LawfulBasis.CONTRACT: "a contract with you, or steps you asked for before one (Art 6(1)(b))",
    LawfulBasis.LEGAL_OBLIGATION: "a legal obligation we have (Art 6(1)(c))",
    LawfulBasis.VITAL_INTERESTS: "protecting someone's life (Art 6(1)(d))",
    LawfulBasis.PUBLIC_TASK: "a task in the public interest (Art 6(1)(e))",
    LawfulBasis.RECOGNISED_LEGITIMATE_INTEREST: "a recognised legitimate interest (Art 6(1)(ea))",
    LawfulBasis.LEGITIMATE_INTERESTS: "our legitimate interests (Art 6(1)(f))",
}
