"""The base of the pydantic shapes the JSON API reads and answers with."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """A pydantic model whose validator and serializer are built at its first use.

    Built at import, every domain's shapes would cost the web server about 5 MB at start
    (docs/web.md), though a process uses only some of them. A subclass's own model_config
    adds to this one.
    """

    model_config = ConfigDict(defer_build=True)
