"""`dataward init`: create or upgrade the database and keys, and say where they live."""

from __future__ import annotations

import typer

from dataward.core import migrate
from dataward.core.console import handle_errors, out, runtime


def register(app: typer.Typer) -> None:
    app.command("init")(init)


@handle_errors
def init() -> None:
    """Create or upgrade the database (Alembic) and the keys when none are configured."""
    rt = runtime()
    before = migrate.current_revision(rt.engine)
    migrate.upgrade(rt.engine)
    after = migrate.current_revision(rt.engine)
    url = rt.engine.url.render_as_string(hide_password=True)
    state = "created" if before is None else ("upgraded" if before != after else "up to date")
    out.print(f"database {state}: {url} (revision {after})")
