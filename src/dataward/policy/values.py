"""The policy's building blocks: the strict model every section uses, and the value types that
check their own text (web links, column paths)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently drop a promise."""

    model_config = ConfigDict(extra="forbid", frozen=False, populate_by_name=True)


def _web_link(value: str) -> str:
    # A link the notice may print as <a href>: `javascript:` or `data:` would run in a reader's
    # browser, so only web pages and email addresses are links.
    text = value.strip()
    if not re.fullmatch(r"(?i)(https?://[^\s/?#]+[^\s]*|mailto:[^\s@]+@[^\s@]+)", text):
        raise ValueError("write a web address starting https:// (or http://), or mailto:ADDRESS")
    return text


WebLink = Annotated[str, AfterValidator(_web_link)]

_NAME = r"[A-Za-z_][A-Za-z0-9_\-]*"


def _column_paths(value: Any) -> Any:
    """One `system.collection.field` or a list of them; each checked for its shape here (that
    the system, collection and field exist is checked with the rest of the references)."""
    paths = [value] if isinstance(value, str) else value
    if isinstance(paths, list):
        for path in paths:
            if isinstance(path, str) and not re.fullmatch(rf"{_NAME}\.{_NAME}\.{_NAME}", path):
                raise ValueError(
                    f"{path!r} is not system.collection.field, e.g. crm.contacts.email_ok"
                )
    return paths


ColumnPaths = Annotated[list[str], BeforeValidator(_column_paths)]
