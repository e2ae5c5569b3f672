"""The web service's policy: DATAWARD_POLICY, loaded once per process, a clear error unset."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataward.core.config import Settings
from dataward.core.errors import ConfigurationError
from dataward.core.runtime import Runtime
from dataward.examples.catalogue import policy_path
from dataward.policy.web import served_policy


def runtime_with(policy: Path | None, tmp_path: Path) -> Runtime:
    return Runtime(settings=Settings(home=tmp_path, environment="test", policy=policy))


def test_the_served_policy_is_loaded_once_and_kept(tmp_path: Path) -> None:
    runtime = runtime_with(policy_path("support"), tmp_path)
    first = served_policy(runtime)
    assert first.policy.organisation.name
    assert served_policy(runtime) is first


def test_no_policy_configured_says_which_variable_to_set(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as raised:
        served_policy(runtime_with(None, tmp_path))
    assert "DATAWARD_POLICY" in (raised.value.fix or "")
