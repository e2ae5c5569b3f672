"""PostgreSQL's run lock: a session advisory lock taken and released outside any transaction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataward.core.errors import Conflict
from dataward.rights.locks import NAMESPACE, run_lock


def test_the_run_lock_commits_nothing_and_holds_until_released(
    engine: sa.Engine, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's (elsewhere the lock is a file)")
    commits: list[Any] = []

    def committed(connection: sa.Connection) -> None:
        commits.append(connection)

    sa.event.listen(engine, "commit", committed)
    try:
        # Held: a second run of the same request, inside the first, is refused.
        with (
            Session(engine) as session,
            run_lock(session, tmp_path, 424242, "R-LOCK"),
            pytest.raises(Conflict),
            run_lock(session, tmp_path, 424242, "R-LOCK"),
        ):
            pass
        # Taking and releasing it left no transaction to commit.
        assert commits == []
    finally:
        sa.event.remove(engine, "commit", committed)
    # Released: anyone can take it again.
    with engine.connect() as other:
        took = other.execute(
            sa.text("SELECT pg_try_advisory_lock(:n, 424242)"), {"n": NAMESPACE}
        ).scalar_one()
        assert took is True
        other.execute(sa.text("SELECT pg_advisory_unlock(:n, 424242)"), {"n": NAMESPACE})
