"""The valid parts of an invalid policy, so that their meaning is checked in the same run.

The schema reports its own errors; without this, a typo'd key in one activity would hide an
unknown category in the next system until the first was fixed. Each rejected value is left
out at the deepest optional key that contains it; an item whose required values are wrong is
left out whole, and its name is remembered so that references to it are not reported too.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, ValidationError

from dataward.policy.checker import Partial
from dataward.policy.loader import PathKey
from dataward.policy.schema import (
    Activity,
    CategoryDefinition,
    Channel,
    Organisation,
    Policy,
    Recipient,
    RetentionRule,
    Subject,
    System,
)
from dataward.policy.validation import model_at

_LIST_SECTIONS: dict[str, type[BaseModel]] = {
    "subjects": Subject,
    "categories": CategoryDefinition,
    "recipients": Recipient,
    "activities": Activity,
    "systems": System,
}
_DICT_SECTIONS: dict[str, type[BaseModel]] = {"retention": RetentionRule, "channels": Channel}


def salvage(data: dict[str, Any]) -> tuple[Policy, Partial]:
    """A policy of the items that validate (some without their rejected keys), and a map back."""
    partial = Partial()
    sections: dict[str, Any] = {}
    for section, model in _LIST_SECTIONS.items():
        kept: list[BaseModel] = []
        partial.indices[section] = []
        partial.dropped[section] = set()
        items = data.get(section)
        for index, item in enumerate(items if isinstance(items, list) else []):
            repaired = repair(model, item, (section, index), partial)
            if repaired is not None:
                kept.append(repaired)
                partial.indices[section].append(index)
            elif isinstance(item, dict):
                name = item.get("name", item.get("key"))
                if isinstance(name, str):
                    partial.dropped[section].add(name)
        sections[section] = kept
    for section, model in _DICT_SECTIONS.items():
        entries: dict[str, BaseModel] = {}
        partial.dropped[section] = set()
        items = data.get(section)
        for key, item in (items if isinstance(items, dict) else {}).items():
            repaired = repair(model, item, (section, str(key)), partial)
            if repaired is not None:
                entries[str(key)] = repaired
            else:
                partial.dropped[section].add(str(key))
        sections[section] = entries
    organisation = repair(Organisation, data.get("organisation"), ("organisation",), partial)
    if not isinstance(organisation, Organisation):
        organisation = Organisation.model_construct(
            name="", registered_office="", privacy_contact=""
        )
    # model_construct: each piece was validated above; the whole is known to be invalid.
    return Policy.model_construct(organisation=organisation, **sections), partial


def repair(model: type[BaseModel], item: Any, path: PathKey, partial: Partial) -> BaseModel | None:
    """`item` validated without the optional keys holding rejected values; None if impossible.

    A repaired item's path is recorded: its warnings are not reported, since a left-out key
    (an assessment, a connection) would raise them.
    """
    candidate = item
    for _ in range(5):
        try:
            valid = model.model_validate(candidate)
        except ValidationError as exc:
            if not isinstance(candidate, dict):
                return None
            candidate = copy.deepcopy(candidate)
            for error in exc.errors():
                removable = _removable(model, tuple(error["loc"]))
                if removable is None:
                    return None
                _remove(candidate, removable)
                partial.removed.append(path + removable)
            continue
        if candidate is not item:
            partial.repaired.append(path)
        return valid
    return None


def _removable(model: type[BaseModel], loc: PathKey) -> PathKey | None:
    """The deepest key on `loc` that may be left out: an optional or unknown key of a model."""
    for cut in range(len(loc), 0, -1):
        key = loc[cut - 1]
        if isinstance(key, int):
            continue
        owner = model_at(model, loc[: cut - 1])
        if owner is None:
            continue
        field = owner.model_fields.get(key)
        if field is None or not field.is_required():
            return loc[:cut]
    return None


def _remove(data: Any, path: PathKey) -> None:
    for part in path[:-1]:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return  # already removed with an enclosing key
    if isinstance(data, dict):
        data.pop(path[-1], None)
