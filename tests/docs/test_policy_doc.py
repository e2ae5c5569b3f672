"""docs/policy.md documents every key of the policy schema, and nothing the schema lacks."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel

from dataward.connectors.files import connector as files
from dataward.connectors.http import connector as http
from dataward.connectors.sql import connector as sql
from dataward.policy.schema import Policy

DOC = Path(__file__).resolve().parents[2] / "docs" / "policy.md"
CONNECTION_SETTINGS = {"sql": sql.SETTINGS, "files": files.SETTINGS, "http": http.SETTINGS}


def _models_in(annotation: object) -> tuple[str, type[BaseModel]] | None:
    """The model a field holds, with the path step its items add ('[]' in a list, '.<name>'
    in a mapping), or None for a plain value."""
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "", annotation
    if origin in (typing.Union, types.UnionType):
        for argument in arguments:
            found = _models_in(argument)
            if found is not None:
                return found
    if origin is list:
        found = _models_in(arguments[0])
        return ("[]" + found[0], found[1]) if found else None
    if origin is dict:
        found = _models_in(arguments[1])
        return (".<name>" + found[0], found[1]) if found else None
    return None


def schema_keys(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        found = _models_in(field.annotation)
        if found is None:
            yield path
            continue
        step, inner = found
        yield path  # `organisation`, `activities`, `retention`
        if step.startswith("."):
            yield path + step  # one entry of a mapping: `retention.<name>`
        yield from schema_keys(inner, f"{path}{step}.")


def documented_keys() -> set[str]:
    """The keys in the first column of the doc's tables, without the top-level section's."""
    return set(re.findall(r"^\| `([^`]+)` \|", DOC.read_text(encoding="utf-8"), flags=re.M))


def test_every_schema_key_is_documented_and_every_documented_key_exists() -> None:
    schema = set(schema_keys(Policy))
    connection = {
        f"{kind}: {setting}" for kind, names in CONNECTION_SETTINGS.items() for setting in names
    }
    documented = documented_keys()
    assert sorted((schema | connection) - documented) == [], "keys the doc does not document"
    assert sorted(documented - schema - connection) == [], "documented keys the schema lacks"


def test_the_walk_reaches_nested_keys() -> None:
    keys = set(schema_keys(Policy))
    assert "systems[].dataset.collections[].fields[].references[].to" in keys
    assert "retention.<name>.period" in keys
    assert "organisation.dpo.email" in keys
    assert "version" in keys
