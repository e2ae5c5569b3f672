"""Cookie banner fixtures: the msp example's policy served, and a client of the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from dataward.app import create_app
from dataward.core.runtime import Runtime
from dataward.examples.catalogue import policy_path

SITE = "https://northgate-it.example.com"


@pytest.fixture
def runtime(runtime: Runtime) -> Runtime:
    """The test runtime serving the msp example, whose website has a cookie banner."""
    settings = runtime.settings.model_copy(update={"policy": policy_path("msp")})
    return Runtime.on_engine(settings, runtime.engine, runtime.clock)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    from browser import keyring_for

    keyring_for(runtime)
    with TestClient(create_app(runtime), follow_redirects=False) as test_client:
        yield test_client
