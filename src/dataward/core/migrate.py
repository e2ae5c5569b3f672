"""Alembic, driven from code so `dataward init` works from an installed package.

Alembic is imported inside the functions: it costs ~0.5 s and only `init` and checks need it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def pending_changes(engine: Engine) -> list[object]:
    """Differences between the models and an upgraded database; empty when none are pending.

    Autogenerate runs through migrations/env.py, which knows every domain's tables; core does
    not, so it asks Alembic rather than reading the models itself."""
    from alembic.autogenerate import RevisionContext
    from alembic.runtime.environment import EnvironmentContext
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from alembic.script.revision import _GetRevArg

    config = alembic_config(engine)
    script = ScriptDirectory.from_config(config)
    revision = RevisionContext(
        config,
        script,
        {
            "message": None,
            "autogenerate": True,
            "sql": False,
            "head": "head",
            "splice": False,
            "branch_label": None,
            "version_path": None,
            "rev_id": None,
            "depends_on": None,
        },
    )

    def compare(rev: _GetRevArg, context: MigrationContext) -> list[object]:
        revision.run_autogenerate(rev, context)
        return []

    with EnvironmentContext(
        config,
        script,
        fn=compare,
        as_sql=False,
        template_args=revision.template_args,
        revision_context=revision,
    ):
        script.run_env()
    diffs: list[object] = []
    for ops in revision.generated_revisions[-1].upgrade_ops_list:
        diffs.extend(ops.as_diffs())
    return diffs
