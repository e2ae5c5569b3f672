"""The privacy centre's fixtures: the msp example deployed, with mail caught by a real server.

`runtime` is the root fixture's, with the settings `dataward serve` would have for this
business (its policy, its systems' variables, the SMTP server), so that the app, the live
server and the job runner all see the same deployment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dataward.app import create_app
from dataward.core.runtime import Runtime

from .centre import Centre, privacy_centre

_CENTRES: dict[int, Centre] = {}


@pytest.fixture
def runtime(runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    with privacy_centre(runtime, tmp_path) as deployed:
        # The worker reads the systems' variables from its environment, as `serve` loads them.
        for name, value in deployed.deployment.environ.items():
            monkeypatch.setenv(name, value)
        _CENTRES[id(deployed.runtime)] = deployed
        try:
            yield deployed.runtime
        finally:
            _CENTRES.pop(id(deployed.runtime), None)


@pytest.fixture
def centre(runtime: Runtime) -> Centre:
    return _CENTRES[id(runtime)]


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    """A browser-like client of the app: it keeps cookies and does not follow redirects."""
    with TestClient(create_app(runtime), follow_redirects=False) as test_client:
        yield test_client
