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


def test_a_request_gets_the_kept_policy_and_an_edited_one_afresh(tmp_path: Path) -> None:
    import asyncio
    import os
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    from dataward.policy.service import LoadedPolicy
    from dataward.policy.web import SERVED_POLICIES
    from dataward.policy.web import _request_policy as request_policy

    def _request_policy(runtime: Runtime) -> LoadedPolicy:
        # A thread of its own: another test may have left an event loop running in this one.
        with ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, request_policy(runtime)).result()

    path = tmp_path / "dataward.yaml"
    shutil.copy(policy_path("support"), path)
    runtime = runtime_with(path, tmp_path)
    assert SERVED_POLICIES.unchanged(path) is None  # never loaded: the request loads it
    first = _request_policy(runtime)
    assert SERVED_POLICIES.unchanged(path) is first
    assert _request_policy(runtime) is first
    path.write_text(path.read_text() + "\n# edited\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert SERVED_POLICIES.unchanged(path) is None
    second = _request_policy(runtime)
    assert second is not first and second.digest != first.digest


def test_a_policy_behind_a_link_pointed_elsewhere_is_loaded_afresh(tmp_path: Path) -> None:
    # A deployment that switches releases by re-pointing a link: the kept policy of the old
    # target must not answer for the new one.
    import shutil

    from dataward.policy.cache import PolicyCache

    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    shutil.copy(policy_path("support"), old)
    shutil.copy(policy_path("msp"), new)
    link = tmp_path / "dataward.yaml"
    link.symlink_to(old)
    cache = PolicyCache()
    first = cache.get(link)
    assert cache.get(link) is first and cache.loads == 1
    link.unlink()
    link.symlink_to(new)
    assert cache.unchanged(link) is None
    second = cache.get(link)
    assert second.policy.organisation.name != first.policy.organisation.name
    assert cache.get(link) is second and cache.loads == 2
