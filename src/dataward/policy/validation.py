"""Pydantic's validation errors, told at the line and column where the mistake was written."""

from __future__ import annotations

import difflib
import re
import types
from datetime import date
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from dataward.core.errors import Problem
from dataward.policy.loader import PathKey, SourceMap

_QUOTED = re.compile(r"'([^']*)'")


def validation_problems(
    exc: ValidationError, source: SourceMap, model: type[BaseModel], prefix: PathKey = ()
) -> list[Problem]:
    """One problem per error; `prefix` is where `model`'s data sits in the document."""
    return [_problem(error, source, model, prefix) for error in exc.errors()]


def _problem(
    error: ErrorDetails, source: SourceMap, model: type[BaseModel], prefix: PathKey
) -> Problem:
    loc: PathKey = tuple(error["loc"])
    path = prefix + loc
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    fix: str | None
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        name = str(loc[-1])
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        if close:
            fix = f"did you mean `{close[0]}`?"
        else:
            fix = "allowed keys here: " + ", ".join(allowed) if allowed else None
        return source.problem(path, f"unknown key {name!r}", fix, at_key=True)
    if kind == "missing":
        name = str(loc[-1])
        return source.problem(path[:-1], f"missing required key {name!r}", f"add `{name}:` here")
    expected = _EXPECTED.get(kind)
    if expected is not None:
        got = _describe(value)
        text = source.text(path)
        fix = _TYPE_FIX.get(kind)
        if value is None:
            fix = "write a value after the colon, or remove the key"
        elif kind == "string_type" and text is not None and not isinstance(value, dict | list):
            fix = f"quote it: '{text}'"
        message = f"expected {expected}, got {got}"
        if kind.startswith("date") and ctx.get("error"):
            message += f" ({ctx['error']})"
        return source.problem(path, message, fix)
    if kind in ("enum", "literal_error"):
        options = _QUOTED.findall(str(ctx.get("expected", "")))
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        fix = f"did you mean {close[0]!r}?" if close else "write one of those exactly"
        return source.problem(path, f"{value!r} is not one of: {', '.join(options)}", fix)
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return source.problem(
            path,
            f"must list at least {least} item{'s' if least != 1 else ''}",
            "add the missing entries",
        )
    if kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error") or error["msg"])
        # A validator naming a key inside a mapping (`inline secret 'password'`) points at it.
        at_key = False
        for quoted in _QUOTED.findall(message)[:1]:
            if (*path, quoted) in source.keys:
                path, at_key = (*path, quoted), True
        what, _, how = message.partition(": ")
        return source.problem(path, what, how or None, at_key=at_key)
    return source.problem(path, _plain(error["msg"]))


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "model_type": "a mapping of keys to values",
    "model_attributes_type": "a mapping of keys to values",
    "date_type": "a date",
    "date_parsing": "a date",
    "date_from_datetime_parsing": "a date",
    "date_from_datetime_inexact": "a date without a time",
}

_TYPE_FIX = {
    "list_type": "write a list as [a, b] or as one `- item` per line",
    "dict_type": "write `key: value` lines indented under this key",
    "model_type": "write `key: value` lines indented under this key",
    "model_attributes_type": "write `key: value` lines indented under this key",
    "date_type": "write a date as YYYY-MM-DD, e.g. 2025-09-12",
    "date_parsing": "write a date as YYYY-MM-DD, e.g. 2025-09-12",
    "date_from_datetime_parsing": "write a date as YYYY-MM-DD, e.g. 2025-09-12",
    "date_from_datetime_inexact": "write a date as YYYY-MM-DD, e.g. 2025-09-12",
    "bool_type": "write true or false",
    "bool_parsing": "write true or false",
    "int_parsing": "write digits only, e.g. 12",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r}"


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ")


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated down to the type that holds the data."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def model_at(model: type[BaseModel], loc: PathKey) -> type[BaseModel] | None:
    """The model that validates the data at `loc` inside `model`'s data, if a model does."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        origin = get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = field.annotation
        elif origin is list and isinstance(part, int):
            current = get_args(current)[0]
        elif origin is dict:
            current = get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return current
    return None


def _allowed_keys(model: type[BaseModel], loc: PathKey) -> list[str]:
    found = model_at(model, loc)
    return list(found.model_fields) if found is not None else []
