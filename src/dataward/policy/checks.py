"""What a policy means, checked: taxonomy keys, names, references, datasets, retention fields.

Every check reports all it finds, each at the position of the offending value. The ICO-facing
warnings (conditions, assessments, transfers, processors) are in checks_ico.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dataward.core.errors import Problem
from dataward.policy import checks_access, checks_datasets, checks_ico
from dataward.policy.checker import (
    Checker,
    Partial,
    connector_kinds,
    did_you_mean,
)
from dataward.policy.loader import PathKey, SourceMap
from dataward.policy.schema import Policy, System
from dataward.policy.taxonomy import Taxonomy, Vocabulary, default_taxonomy

__all__ = ["Checker", "Partial", "check"]


def check(
    policy: Policy,
    source: SourceMap,
    *,
    taxonomy: Taxonomy | None = None,
    partial: Partial | None = None,
) -> list[Problem]:
    """Every problem of meaning in `policy`: errors, then the ICO's warnings."""
    checker = Checker(policy, source, taxonomy=taxonomy, partial=partial)
    _check_definitions(checker)
    _check_taxonomy(checker)
    _check_names(checker)
    _check_references(checker)
    _check_systems(checker)
    checks_datasets.check_datasets(checker)
    checks_datasets.check_retention_fields(checker)
    checks_datasets.check_opt_in_columns(checker)
    checks_access.check_access(checker)
    checks_ico.check_ico(checker)
    return checker.problems


def _unknown_key(
    checker: Checker, vocabulary: Vocabulary, key: str, path: PathKey, otherwise: str
) -> None:
    term = vocabulary.get(key)
    if term is None:
        suggestion = vocabulary.suggest(key)
        fix = f"did you mean `{suggestion}`?" if suggestion else otherwise
        checker.error(path, f"unknown {vocabulary.kind} {key!r}", fix)
    elif term.deprecated:
        fix = f"use `{term.replaced_by}`" if term.replaced_by else "choose a current key"
        checker.warning(path, f"{vocabulary.kind} {key!r} is deprecated in fideslang", fix)


def _check_definitions(checker: Checker) -> None:
    """The policy's own categories and subjects must hang from known parents."""
    base = default_taxonomy()
    categories = checker.taxonomy.categories
    for position, definition in enumerate(checker.policy.categories):
        path = checker.at("categories", position)
        if definition.key in base.categories:
            checker.warning(
                (*path, "key"),
                f"{definition.key!r} is already a taxonomy key; this definition is ignored",
                "remove it from `categories:`",
            )
        elif definition.parent not in categories or definition.parent == definition.key:
            fix = did_you_mean(
                definition.parent, categories.terms, "name an existing category as the parent"
            )
            checker.error((*path, "parent"), f"unknown parent {definition.parent!r}", fix)
        elif definition.key in categories.lineage(definition.parent):
            checker.error(
                (*path, "parent"),
                f"{definition.key!r} would be its own ancestor",
                "choose a parent from the taxonomy, outside this chain",
            )
    subjects = checker.taxonomy.subjects
    for position, subject in enumerate(checker.policy.subjects):
        path = checker.at("subjects", position)
        if subject.key in base.subjects:
            continue
        if subject.parent is None:
            suggestion = base.subjects.suggest(subject.key)
            fix = (
                f"did you mean `{suggestion}`? If not, give this new kind of person a `parent:`"
                if suggestion
                else "give this new kind of person a `parent:` (an existing subject key)"
            )
            checker.error((*path, "key"), f"unknown data subject {subject.key!r}", fix)
        elif subject.parent not in subjects or subject.key in subjects.lineage(subject.parent):
            fix = did_you_mean(subject.parent, subjects.terms, "name an existing subject")
            checker.error((*path, "parent"), f"unknown parent {subject.parent!r}", fix)


def _check_taxonomy(checker: Checker) -> None:
    tax = checker.taxonomy
    use_hint = "use a fideslang data_use key, e.g. essential.service.operations.support"
    category_hint = "use a fideslang key, or define it under `categories:` with its parent"
    subject_hint = "use a fideslang subject such as customer, or define it under `subjects:`"
    for position, activity in enumerate(checker.policy.activities):
        path = checker.at("activities", position)
        _unknown_key(checker, tax.uses, activity.purpose, (*path, "purpose"), use_hint)
        for index, key in enumerate(activity.categories):
            _unknown_key(checker, tax.categories, key, (*path, "categories", index), category_hint)
        for index, key in enumerate(activity.subjects):
            _unknown_key(checker, tax.subjects, key, (*path, "subjects", index), subject_hint)
    for name, channel in checker.policy.channels.items():
        for index, key in enumerate(channel.subjects):
            where: PathKey = ("channels", name, "subjects", index)
            _unknown_key(checker, tax.subjects, key, where, subject_hint)
    for path, _system, collection in checker.collection_paths():
        for index, item in enumerate(collection.fields):
            for number, key in enumerate(item.categories):
                where = (*path, "fields", index, "categories", number)
                _unknown_key(checker, tax.categories, key, where, category_hint)


def _duplicates(
    checker: Checker, paths: Sequence[PathKey], names: Sequence[str], what: str
) -> None:
    first: dict[str, PathKey] = {}
    for path, name in zip(paths, names, strict=True):
        if name in first:
            line = checker.source.value(first[name]).line
            checker.error(
                path,
                f"another {what} is already named {name!r} (line {line})",
                "give each its own name",
            )
        else:
            first[name] = path


def _check_names(checker: Checker) -> None:
    policy = checker.policy
    sections: list[tuple[str, Sequence[str], str, str]] = [
        ("activities", [a.name for a in policy.activities], "name", "activity"),
        ("recipients", [r.name for r in policy.recipients], "name", "recipient"),
        ("systems", [s.name for s in policy.systems], "name", "system"),
        ("subjects", [s.key for s in policy.subjects], "key", "subject definition"),
        ("categories", [c.key for c in policy.categories], "key", "category definition"),
    ]
    for section, names, attribute, what in sections:
        paths = [checker.at(section, i, attribute) for i in range(len(names))]
        _duplicates(checker, paths, names, what)
    for path, system in checker.system_paths():
        if system.dataset is None:
            continue
        collections = system.dataset.collections
        _duplicates(
            checker,
            [(*path, "dataset", "collections", i, "name") for i in range(len(collections))],
            [c.name for c in collections],
            f"collection of system {system.name!r}",
        )
        for index, collection in enumerate(collections):
            base: PathKey = (*path, "dataset", "collections", index, "fields")
            _duplicates(
                checker,
                [(*base, i, "name") for i in range(len(collection.fields))],
                [f.name for f in collection.fields],
                f"field of collection {collection.name!r}",
            )


def _check_references(checker: Checker) -> None:
    """Names used in one section must be defined in another."""
    policy = checker.policy
    rules, channels = policy.retention, policy.channels
    for position, activity in enumerate(policy.activities):
        path = checker.at("activities", position)
        lists: list[tuple[str, list[str], Iterable[str], str]] = [
            ("systems", activity.systems, checker.systems, "system"),
            ("recipients", activity.recipients, checker.recipients, "recipient"),
            ("channels", activity.channels, channels, "channel"),
        ]
        for section, names, present, what in lists:
            for index, name in enumerate(names):
                if not checker.known(section, name, present):
                    fix = did_you_mean(
                        name, checker.options(section, present), f"define it under `{section}:`"
                    )
                    checker.error((*path, section, index), f"no {what} named {name!r}", fix)
        if activity.retention is not None and not checker.known(
            "retention", activity.retention, rules
        ):
            fix = did_you_mean(
                activity.retention,
                checker.options("retention", rules),
                "define it under `retention:`",
            )
            checker.error(
                (*path, "retention"), f"no retention rule named {activity.retention!r}", fix
            )
    for path, system in checker.system_paths():
        if system.processor is not None and not checker.known(
            "recipients", system.processor, checker.recipients
        ):
            fix = did_you_mean(
                system.processor,
                checker.options("recipients", checker.recipients),
                "define it under `recipients:`",
            )
            checker.error((*path, "processor"), f"no recipient named {system.processor!r}", fix)
    for path, _system, collection in checker.collection_paths():
        named = [("retention", collection.retention)]
        if collection.exemption is not None:
            named.append(("exemption.until", collection.exemption.until))
        for key, rule in named:
            if rule is not None and not checker.known("retention", rule, rules):
                fix = did_you_mean(
                    rule, checker.options("retention", rules), "define it under `retention:`"
                )
                where = (*path, *key.split("."))
                checker.error(where, f"no retention rule named {rule!r}", fix)


def _check_systems(checker: Checker) -> None:
    kinds = connector_kinds()
    for path, system in checker.system_paths():
        kind = kinds.get(system.connector)
        if kind is None:
            fix = did_you_mean(system.connector, kinds, "known kinds: " + ", ".join(sorted(kinds)))
            checker.error((*path, "connector"), f"unknown connector kind {system.connector!r}", fix)
            continue
        needed = kind.connection_settings
        if needed and not any(key in system.connection for key in needed):
            where = (*path, "connection") if system.connection else (*path, "name")
            checker.warning(
                where,
                f"a {system.connector} connection needs one of: {', '.join(needed)}",
                f"e.g. `connection: {{{needed[0]}: ...}}`",
            )
        if not kind.can_hash:
            _check_no_hashing(checker, path, system)
        if system.dataset is None and system.dataset_file is None:
            checker.warning(
                (*path, "name"),
                f"system {system.name!r} declares no dataset, so nothing in it can be found",
                "add `dataset:` with its collections, or `dataset_file:` (a Fides dataset)",
            )


def _check_no_hashing(checker: Checker, path: PathKey, system: System) -> None:
    """A kind that cannot read a value back to hash it cannot honour `erase: hash`."""
    if system.dataset is None:
        return
    for c_index, collection in enumerate(system.dataset.collections):
        for f_index, item in enumerate(collection.fields):
            if item.erase == "hash":
                where = (*path, "dataset", "collections", c_index, "fields", f_index, "erase")
                checker.error(
                    where,
                    f"a {system.connector} system cannot erase {item.name!r} by keyed hash",
                    "use `erase: null` or `erase: mask` for this field",
                )
