"""One meaning for a `where`: on random rows with empty fields and random conditions from the
grammar, the Python evaluator (files and http kinds, exemptions) and the SQL pushdown select
the same rows, and leave the same rows undecided, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    insert,
)

from dataward.connectors.base import Connector, ExpiryQuery, Undecided
from dataward.connectors.registry import connect
from dataward.policy.expressions import empty_fields, judge_all, parse_where
from dataward.policy.schema import System

metadata = MetaData()
things = Table(
    "dw_things",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seen_on", Date),
    Column("label", String(10)),
    Column("amount", Integer),
    Column("active", Boolean),
)
SYSTEM = System.model_validate(
    {
        "name": "things",
        "connector": "sql",
        "connection": {"url_env": "THINGS_URL"},
        "dataset": {
            "collections": [
                {
                    "name": "dw_things",
                    "fields": [
                        {"name": "id", "primary_key": True},
                        {"name": "seen_on"},
                        {"name": "label"},
                        {"name": "amount"},
                        {"name": "active"},
                    ],
                }
            ]
        },
    }
)
OPERATORS = ("=", "!=", "<>", "<", "<=", ">", ">=")
# Lower-case letters only: every database here (and Python) orders and compares them alike,
# whatever its collation.
TEXT = st.text(alphabet="ab", max_size=2)

literal_for = {
    "label": TEXT.map(lambda t: f"'{t}'"),
    "amount": st.integers(-2, 2).map(str),
    "active": st.booleans().map(lambda b: "true" if b else "false"),
}


@st.composite
def comparison(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(sorted(literal_for)))
    if draw(st.integers(0, 5)) == 0:
        return f"{name} {draw(st.sampled_from(['is null', 'is not null']))}"
    return f"{name} {draw(st.sampled_from(OPERATORS))} {draw(literal_for[name])}"


wheres = st.lists(comparison(), min_size=1, max_size=3).map(" and ".join)
rows = st.lists(
    st.fixed_dictionaries(
        {
            "label": st.none() | TEXT,
            "amount": st.none() | st.integers(-2, 2),
            "active": st.none() | st.booleans(),
        }
    ),
    max_size=12,
).map(lambda found: [{"id": n, "seen_on": date(2020, 1, 1), **r} for n, r in enumerate(found)])


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def source(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, Connector]]:
    backend: str = request.param
    url: str = (
        f"sqlite:///{tmp_path / 'things.db'}"
        if backend == "sqlite"
        else request.getfixturevalue(f"{backend}_url")
    )
    engine = create_engine(url)
    metadata.drop_all(engine)
    metadata.create_all(engine)
    connector = connect(SYSTEM, base_dir=tmp_path, environ={"THINGS_URL": url})
    try:
        yield engine, connector
    finally:
        connector.close()
        metadata.drop_all(engine)
        engine.dispose()


def python_side(where: str, found: list[dict[str, Any]]) -> tuple[list[int], Undecided]:
    conditions = parse_where(where)
    chosen = [r["id"] for r in found if judge_all(conditions, r) is True]
    undecided = Undecided()
    for row in found:
        if judge_all(conditions, row) is None:
            undecided.add(empty_fields(conditions, row))
    return chosen, undecided


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(where=wheres, found=rows)
def test_python_and_sql_select_and_leave_undecided_the_same_rows(
    source: tuple[Engine, Connector], where: str, found: list[dict[str, Any]]
) -> None:
    engine, connector = source
    with engine.begin() as connection:
        connection.execute(things.delete())
        if found:
            connection.execute(insert(things), found)
    query = ExpiryQuery(
        collection="dw_things",
        cutoff=date(2030, 1, 1),
        date_field="seen_on",
        conditions=tuple(parse_where(where)),
    )
    pushed = [key[0] for batch in connector.expired(query, batch_size=5) for key in batch]
    chosen, undecided = python_side(where, found)
    assert pushed == chosen, where
    counted = connector.undecided(query)
    assert (counted.rows, counted.fields) == (undecided.rows, undecided.fields), where


def test_a_null_is_neither_equal_nor_different() -> None:
    row = {"label": None}
    for op in ("=", "!="):
        assert judge_all(parse_where(f"label {op} 'a'"), row) is None
    assert judge_all(parse_where("label is null"), row) is True
    # Three-valued AND: a false part decides; otherwise an unknown part leaves it unknown.
    both = parse_where("label = 'a' and amount = 1")
    assert judge_all(both, {"label": None, "amount": 2}) is False
    assert judge_all(both, {"label": None, "amount": 1}) is None
