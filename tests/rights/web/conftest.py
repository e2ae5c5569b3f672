"""A running service's view of Kestrel IT: its policy, its systems' variables and a master key
in the settings, as `dataward serve` would have them, over the test database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dataward.core.config import Settings
from dataward.core.crypto import Keyring, create_master_key_file
from dataward.core.runtime import Runtime
from dataward.rights import service, staff_actions
from dataward.rights.models import RequestKind
from dataward.rights.schemas import OpenRequestIn, VerifyIn

from ..kestrel import ALICE, Kestrel, build


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


OFFICE = "user:0"


def opened(
    desk: Desk,
    *,
    email: str = ALICE,
    kind: RequestKind = RequestKind.ACCESS,
    received_on: date | None = None,
    run: bool = False,
) -> str:
    """A request opened by the office; with `run`, verified and run on every system."""
    with desk.runtime.transaction() as session:
        request = staff_actions.open_request(
            session=session,
            runtime=desk.runtime,
            keyring=desk.keyring,
            loaded=desk.kestrel.loaded,
            actor=OFFICE,
            asked=OpenRequestIn(kind=kind, email=email, received_on=received_on),
        )
        reference = request.reference
    if run:
        with desk.runtime.transaction() as session:
            request = service.get_request(session=session, reference=reference)
            staff_actions.verify(
                session=session,
                runtime=desk.runtime,
                keyring=desk.keyring,
                request=request,
                actor=OFFICE,
                proof=VerifyIn(evidence="driving licence seen"),
            )
        with desk.runtime.transaction() as session:
            request = service.get_request(session=session, reference=reference)
            staff_actions.run(
                session=session,
                runtime=desk.runtime,
                keyring=desk.keyring,
                request=request,
                actor=OFFICE,
            )
    return reference
