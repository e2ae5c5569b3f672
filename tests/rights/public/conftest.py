"""The privacy centre's fixtures: the msp example deployed, with mail caught by a real server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dataward.core.runtime import Runtime

from .centre import Centre, privacy_centre


@pytest.fixture
def centre(runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Centre]:
    with privacy_centre(runtime, tmp_path) as deployed:
        # The worker reads the systems' variables from its environment, as `serve` loads them.
        for name, value in deployed.deployment.environ.items():
            monkeypatch.setenv(name, value)
        yield deployed
