"""Building the API's shapes writes nothing to the server's log: the one harmless pydantic
warning about FastAPI's body aliases is silenced, and only that one."""

from __future__ import annotations

import warnings
from pathlib import Path

from pydantic.warnings import UnsupportedFieldAttributeWarning

from dataward.app import create_app
from dataward.core.clock import SystemClock
from dataward.core.config import Settings
from dataward.core.db import make_engine
from dataward.core.runtime import Runtime
from dataward.core.schemas import quiet_body_alias_warning


def built_schema_warnings(tmp_path: Path, *, quiet: bool) -> list[str]:
    settings = Settings(home=tmp_path, environment="test")
    runtime = Runtime.on_engine(
        settings, make_engine(settings.resolved_database_url), SystemClock()
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if quiet:
            quiet_body_alias_warning()
        # A fresh app builds every deferred shape again for its OpenAPI document.
        create_app(runtime).openapi()
    runtime.engine.dispose()
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_the_api_document_builds_without_a_warning(tmp_path: Path) -> None:
    loud = built_schema_warnings(tmp_path / "loud", quiet=False)
    assert any("'alias' attribute" in message for message in loud)  # what is silenced
    assert built_schema_warnings(tmp_path / "quiet", quiet=True) == []


def test_other_pydantic_warnings_still_show() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        quiet_body_alias_warning()
        warnings.warn("something else", UnsupportedFieldAttributeWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["something else"]
