"""A running service's view of Kestrel IT: its policy, its systems' variables and a master key
in the settings, as `dataward serve` would have them, over the test database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dataward.core.config import Settings
from dataward.core.crypto import Keyring, create_master_key_file
from dataward.core.runtime import Runtime

from ..kestrel import Kestrel, build


@dataclass
class Desk:
    """The service's runtime and the business behind it."""

    runtime: Runtime
    kestrel: Kestrel

    @property
    def keyring(self) -> Keyring:
        return Keyring.from_settings(self.runtime.settings)

    def session(self) -> Session:
        return self.runtime.sessions()


@pytest.fixture
def desk(runtime: Runtime, tmp_path: Path) -> Iterator[Desk]:
    kestrel = build(tmp_path / "kestrel")
    env_file = tmp_path / "systems.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in kestrel.environ.items()))
    home = runtime.settings.home
    if not (home / "master.key").exists():  # the browser fixtures may have made it
        create_master_key_file(home / "master.key")
    runtime.settings = Settings(
        home=home,
        environment="test",
        policy=kestrel.loaded.path,
        systems_env_file=env_file,
    )
    yield Desk(runtime=runtime, kestrel=kestrel)
    kestrel.dispose()
