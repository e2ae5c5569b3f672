"""Whatever a policy file holds, the check reports problems; it never crashes."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataward.policy.service import check_policy

from .policy_samples import CLEAN, ORGANISATION

WORDS = st.sampled_from(
    [
        "name",
        "key",
        "purpose",
        "categories",
        "subjects",
        "systems",
        "dataset",
        "collections",
        "fields",
        "references",
        "to",
        "retention",
        "after",
        "where",
        "period",
        "primary_key",
        "identity",
        "connector",
        "connection",
        "dataset_file",
        "crm",
        "customers",
        "customers.id",
        "crm.customers.id",
        "user.contact.email",
        "6 years",
        "closed_on",
        "status = 'x'",
    ]
)
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), WORDS)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(WORDS, inner, max_size=4)),
    max_leaves=12,
)


def _mutate(base: dict[str, Any], section: str, value: Any) -> dict[str, Any]:
    changed = dict(base)
    changed[section] = value
    return changed


BASE: dict[str, Any] = yaml.safe_load(CLEAN + ORGANISATION)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    section=st.sampled_from(
        ["activities", "systems", "retention", "recipients", "channels", "categories", "subjects"]
    ),
    value=VALUES,
)
def test_any_section_content_yields_problems_not_a_crash(section: str, value: Any) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dataward.yaml"
        path.write_text(yaml.safe_dump(_mutate(BASE, section, value)), encoding="utf-8")
        result = check_policy(path)
        assert result.ok == (result.loaded is not None)
        for problem in result.problems:
            assert problem.line >= 1 and problem.column >= 1
            assert problem.severity in ("error", "warning", "info")


@settings(max_examples=60, deadline=None)
@given(
    activity=st.dictionaries(WORDS, VALUES, max_size=6),
    system=st.dictionaries(WORDS, VALUES, max_size=6),
)
def test_any_activity_or_system_yields_problems_not_a_crash(
    activity: dict[str, Any], system: dict[str, Any]
) -> None:
    data = dict(BASE)
    data["activities"] = [*BASE["activities"], activity]
    data["systems"] = [*BASE["systems"], system]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dataward.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        result = check_policy(path)
        assert result.ok == (result.loaded is not None)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (_replace(v, rest, new) if k == head else v) for k, v in value.items()}
    return [_replace(v, rest, new) if i == head else v for i, v in enumerate(value)]


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_any_value_of_a_clean_policy_replaced_yields_problems_not_a_crash(
    data: st.DataObject,
) -> None:
    paths = _paths(BASE)
    first = data.draw(st.sampled_from(paths))
    second = data.draw(st.sampled_from(paths))
    mutated = _replace(BASE, first, data.draw(VALUES))
    if second[: len(first)] != first:
        mutated = _replace(mutated, second, data.draw(VALUES))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dataward.yaml"
        path.write_text(yaml.safe_dump(mutated), encoding="utf-8")
        result = check_policy(path)
        assert result.ok == (result.loaded is not None)
