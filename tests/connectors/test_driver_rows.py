"""connectors.sql.client.driver_rows: the driver's own tuples only where SQLAlchemy would
convert nothing; otherwise SQLAlchemy's converted values, so a key never changes type."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Column, Date, Integer, MetaData, Table, Text, create_engine, insert, select

from dataward.connectors.sql.client import driver_rows


def test_rows_come_back_as_the_values_sqlalchemy_would_give(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'rows.db'}")
    table = Table(
        "calls",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("ref", Text),
        Column("day", Date),
    )
    table.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(table), [{"id": n, "ref": f"r{n}", "day": date(2026, 3, n)} for n in (1, 2)]
        )
        plain = driver_rows(connection.execute(select(table.c.id, table.c.ref).order_by("id")))
        dated = driver_rows(connection.execute(select(table.c.id, table.c.day).order_by("id")))
    assert plain == [(1, "r1"), (2, "r2")]
    assert all(type(row) is tuple for row in plain)
    # SQLite hands a date back as text: SQLAlchemy's converter still runs.
    assert dated == [(1, date(2026, 3, 1)), (2, date(2026, 3, 2))]
