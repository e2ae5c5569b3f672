"""What a boundary (CLI command, web request, job) needs: settings, database, clock."""

from __future__ import annotations

import importlib
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

# A service that leaves work for the end of the boundary (the audit log: sign what was
# appended) names it in `session.info` as "module:function", a function taking the Runtime.
# Once that transaction commits, the runtime remembers the name until end_boundary() calls
# it. By name, so that core imports no domain and a command loads only what it uses.
AT_BOUNDARY_END = "dataward.at_boundary_end"

BoundaryEndHook = Callable[["Runtime"], None]


def at_boundary_end(session: Session, hook: str) -> None:
    """Ask for `hook` ("module:function") to run once the boundary that owns `session` ends."""
    session.info.setdefault(AT_BOUNDARY_END, set()).add(hook)


def _resolve(hook: str) -> BoundaryEndHook:
    module, _, name = hook.partition(":")
    found: BoundaryEndHook = getattr(importlib.import_module(module), name)
    return found


@dataclass
class Runtime:
    settings: Settings
    clock: Clock = field(default_factory=clock_from_env)
    # What the committed transactions asked to run when the boundary ends.
    due_at_end: set[str] = field(default_factory=set)

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
            due = set(session.info.get(AT_BOUNDARY_END, ()))
        self.due_at_end |= due

    def end_boundary(self) -> None:
        """The command or job is over: run what its committed transactions asked for."""
        due, self.due_at_end = sorted(self.due_at_end), set()
        for hook in due:
            _resolve(hook)(self)

    def require_schema(self) -> None:
        """Fail clearly when `dataward init` has not been run against this database."""
        if not inspect(self.engine).has_table("alembic_version"):
            raise ConfigurationError(
                f"no Dataward database at {self.engine.url.render_as_string(hide_password=True)}",
                fix="run `dataward init` first",
            )
