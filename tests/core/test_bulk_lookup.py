"""Lookups of many values at once: every chunk answered, the fixed conditions applied, and a
driver whose placeholders Dataward does not write refused with a sentence, not a traceback."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from dataward.core import bulk_lookup
from dataward.core.errors import ConfigurationError


@pytest.fixture
def session() -> Session:
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE entries (kind TEXT, value INTEGER, note TEXT)"))
        connection.execute(
            text("INSERT INTO entries VALUES (:kind, :value, :note)"),
            [{"kind": k, "value": v, "note": f"{k}{v}"} for k in ("a", "b") for v in range(2500)],
        )
    return Session(engine)


def test_values_past_one_chunk_are_all_looked_up(session: Session) -> None:
    wanted = [*range(0, 2500, 2), 9999]
    found = bulk_lookup.present(
        session, table="entries", key="value", values=wanted, equal=[("kind", "a")]
    )
    assert len(wanted) > bulk_lookup.CHUNK
    assert found == set(range(0, 2500, 2))
    rows = bulk_lookup.rows_where_in(
        session, table="entries", columns=["note", "value"], key="value", values=[7, 1201],
        equal=[("kind", "b")],
    )  # fmt: skip
    assert sorted(rows) == [("b1201", 1201), ("b7", 7)]


def test_a_driver_with_other_placeholders_is_refused_clearly(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session.connection().dialect, "paramstyle", "named")
    with pytest.raises(ConfigurationError) as refused:
        bulk_lookup.present(session, table="entries", key="value", values=[1])
    assert "DATAWARD_DATABASE_URL" in (refused.value.fix or "")
