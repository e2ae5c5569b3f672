"""CI gate: upgrade a scratch SQLite database and fail if the models differ from it."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from dataward.core import migrate
from dataward.core.db import make_engine


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'check.db'}")
        migrate.upgrade(engine)
        changes = migrate.pending_changes(engine)
        engine.dispose()
    if changes:
        print("models differ from the migrations; run `alembic revision --autogenerate`:")
        for change in changes:
            print(f"  {change}")
        return 1
    print("no pending migration")
    return 0


if __name__ == "__main__":
    sys.exit(main())
