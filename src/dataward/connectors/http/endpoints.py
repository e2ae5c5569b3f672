"""Declared REST endpoints: `{field}` placeholders in paths and parameters, filled per call."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dataward.core.errors import ConnectorError

Operation = Literal["find", "erase", "rectify", "delete", "expired"]
OPERATIONS: tuple[Operation, ...] = ("find", "erase", "rectify", "delete", "expired")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def fill(template: str, values: Mapping[str, Any], *, in_path: bool) -> str:
    """Substitute `{name}`; in a path each value is percent-encoded whole ('/' included), so a
    value can never change which resource is addressed."""
    parts: list[str] = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(literal)
        if name:
            text = "" if values[name] is None else str(values[name])
            parts.append(quote(text, safe="") if in_path else text)
    return "".join(parts)


class Endpoint(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str = "GET"
    path: str
    params: dict[str, str] = Field(default_factory=dict)
    rows: str | None = Field(
        default=None, description="dotted path to the list of rows in the answer, e.g. data.items"
    )
    next: str | None = Field(
        default=None, description="dotted path to the next page's URL in the answer"
    )

    @field_validator("method")
    @classmethod
    def _method(cls, value: str) -> str:
        upper = value.upper()
        if upper not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            raise ValueError("use GET, POST, PUT, PATCH or DELETE")
        return upper

    @property
    def needs(self) -> set[str]:
        names = placeholders(self.path)
        for value in self.params.values():
            names |= placeholders(value)
        return names

    def url_path(self, values: Mapping[str, Any]) -> str:
        return fill(self.path, values, in_path=True)

    def query(self, values: Mapping[str, Any]) -> dict[str, str]:
        return {key: fill(value, values, in_path=False) for key, value in self.params.items()}


class CollectionEndpoints(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    find: list[Endpoint] = Field(default_factory=list)
    erase: Endpoint | None = None
    rectify: Endpoint | None = None
    delete: Endpoint | None = None
    expired: Endpoint | None = None

    @field_validator("find", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, dict) else value


def read_endpoints(system: str, raw: Any) -> dict[str, CollectionEndpoints]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConnectorError(
            "`endpoints` must map each collection to its endpoints",
            system=system,
            fix="endpoints: {contacts: {find: {path: /contacts, params: {email: '{email}'}}}}",
        )
    endpoints: dict[str, CollectionEndpoints] = {}
    for collection, spec in raw.items():
        try:
            endpoints[str(collection)] = CollectionEndpoints.model_validate(spec or {})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ConnectorError(
                f"endpoints.{collection}.{where}: {first['msg']}",
                system=system,
                fix=f"declare operations among {', '.join(OPERATIONS)}, each with a path",
            ) from exc
    return endpoints


def dig(document: Any, path: str | None) -> Any:
    """`data.items` → document['data']['items']; None when any step is missing."""
    if not path:
        return document
    current = document
    for step in path.split("."):
        if isinstance(current, dict):
            current = current.get(step)
        elif isinstance(current, list) and step.isdigit() and int(step) < len(current):
            current = current[int(step)]
        else:
            return None
    return current
