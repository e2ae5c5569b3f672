"""The statements the sql kind builds, compiled for each dialect (MSSQL has no server here)."""

from __future__ import annotations

from datetime import date

from crm_source import CRM_DATASET
from sqlalchemy.dialects import mssql, postgresql, sqlite

from dataward.connectors.base import ExpiryQuery
from dataward.connectors.sql.tables import MAX_IN, DeclaredTables
from dataward.policy.schema import Dataset


def tables(dialect: str) -> DeclaredTables:
    return DeclaredTables(Dataset.model_validate(CRM_DATASET).collections, dialect=dialect)


def test_composite_keys_use_row_values_where_the_dialect_has_them() -> None:
    sql = str(
        tables("postgresql")
        .key_in("ticket_notes", [(10, 1), (10, 2)])
        .compile(dialect=postgresql.dialect())
    )
    assert "(ticket_notes.ticket_id, ticket_notes.line) IN" in sql


def test_composite_keys_become_an_or_of_ands_on_mssql() -> None:
    sql = str(
        tables("mssql").key_in("ticket_notes", [(10, 1), (10, 2)]).compile(dialect=mssql.dialect())
    )
    assert " IN " not in sql
    assert sql.count(" AND ") == 2 and " OR " in sql


def test_mssql_batches_stay_under_its_parameter_limit() -> None:
    keys = [(n, 1) for n in range(3_000)]
    sizes = [len(b) for b in tables("mssql").key_batches("ticket_notes", keys)]
    assert sizes == [1000, 1000, 1000]
    assert [
        len(b) for b in tables("sqlite").key_batches("customers", [(n,) for n in range(2_500)])
    ] == [
        MAX_IN,
        MAX_IN,
        500,
    ]


def test_fetch_selects_declared_columns_with_bound_values_only() -> None:
    statements = list(
        tables("sqlite").fetch_batches("customers", {"email": ["a'; DROP TABLE x; --@b.com"]})
    )
    assert len(statements) == 1
    sql = str(statements[0].compile(dialect=sqlite.dialect()))
    assert "DROP" not in sql
    assert "internal_score" not in sql
    assert "lower(customers.email) IN (__[POSTCOMPILE_" in sql


def test_keyset_page_compares_the_bare_date_column_so_an_index_can_serve_it() -> None:
    page = tables("postgresql").expiry_page(
        ExpiryQuery(collection="tickets", cutoff=date(2020, 1, 1), date_field="opened_on"),
        last=(41,),
        limit=500,
    )
    sql = str(page.compile(dialect=postgresql.dialect()))
    assert "tickets.opened_on < %(opened_on_1)s" in sql
    assert "tickets.id > %(id_1)s" in sql
    assert "ORDER BY tickets.id" in sql and "LIMIT" in sql
    assert "OFFSET" not in sql
