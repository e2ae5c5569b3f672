"""The base of the pydantic shapes the JSON API reads and answers with."""

from __future__ import annotations

import warnings

from pydantic import BaseModel, ConfigDict
from pydantic.warnings import UnsupportedFieldAttributeWarning

# FastAPI names a route's body parameter with an alias (its own name) and pydantic, building a
# deferred shape's schema at the first request, warns that the alias has no effect there: true
# and harmless, but a warning in the server's log on every first use of each route. Only that
# message is silenced.
BODY_ALIAS_WARNING = r"The 'alias' attribute with value '\w+' was provided to the `Field\(\)`"


def quiet_body_alias_warning() -> None:
    warnings.filterwarnings("ignore", BODY_ALIAS_WARNING, UnsupportedFieldAttributeWarning)


quiet_body_alias_warning()


class Schema(BaseModel):
    """A pydantic model whose validator and serializer are built at its first use.

    Built at import, every domain's shapes would cost the web server about 5 MB at start
    (docs/web.md), though a process uses only some of them. A subclass's own model_config
    adds to this one.
    """

    model_config = ConfigDict(defer_build=True)
