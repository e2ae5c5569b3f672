"""What a boundary (CLI command, web request, job) needs: settings, database, clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session, sessionmaker

from dataward.core.clock import Clock, clock_from_env
from dataward.core.config import Settings
from dataward.core.db import make_engine, make_sessionmaker, transaction
from dataward.core.errors import ConfigurationError
from dataward.core.files import create_private_file, private_folder

# A service that leaves work for the end of the boundary sets this in `session.info`; after
# that transaction commits, the runtime remembers it until end_boundary() runs the hooks.
SEAL_AT_END = "dataward.seal_at_boundary_end"

BoundaryEndHook = Callable[["Runtime"], None]
_BOUNDARY_END_HOOKS: list[BoundaryEndHook] = []


def at_boundary_end(hook: BoundaryEndHook) -> BoundaryEndHook:
    """Register what runs once when a command or a job that committed such work ends."""
    _BOUNDARY_END_HOOKS.append(hook)
    return hook


@dataclass
class Runtime:
    settings: Settings
    clock: Clock = field(default_factory=clock_from_env)
    seal_due: bool = False

    @cached_property
    def engine(self) -> Engine:
        url = self.settings.resolved_database_url
        if url.startswith("sqlite:///"):
            private_folder(self.settings.home)
            database = Path(url.removeprefix("sqlite:///"))
            if database.name and str(database) != ":memory:":
                private_folder(database.parent)
                create_private_file(database)
        return make_engine(url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return make_sessionmaker(self.engine)

    @classmethod
    def on_engine(cls, settings: Settings, engine: Engine, clock: Clock) -> Runtime:
        """A runtime over an existing engine (tests, benchmarks)."""
        runtime = cls(settings=settings, clock=clock)
        runtime.__dict__["engine"] = engine  # fills the cached_property
        return runtime

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with transaction(self.sessions) as session:
            yield session
            due = bool(session.info.get(SEAL_AT_END))
        self.seal_due = self.seal_due or due

    def end_boundary(self) -> None:
        """The command or job is over: run the registered hooks if it committed work for them."""
        if not self.seal_due:
            return
        self.seal_due = False
        for hook in _BOUNDARY_END_HOOKS:
            hook(self)

    def require_schema(self) -> None:
        """Fail clearly when `dataward init` has not been run against this database."""
        if not inspect(self.engine).has_table("alembic_version"):
            raise ConfigurationError(
                f"no Dataward database at {self.engine.url.render_as_string(hide_password=True)}",
                fix="run `dataward init` first",
            )
