"""The sql kind against real SQLite, PostgreSQL and MariaDB databases."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from pathlib import Path

import pytest
from crm_source import CUSTOMERS, Source, crm_system
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text

from dataward.connectors.base import (
    DEFAULT_MASK,
    ErasurePlan,
    ExpiryQuery,
    FieldErasure,
    RelatedDate,
)
from dataward.connectors.registry import connect
from dataward.core.errors import ConnectorError
from dataward.policy.schema import Condition, System


def keyed(value: str) -> str:
    return hmac.new(b"test-key", value.encode(), hashlib.sha256).hexdigest()


def test_fetch_matches_email_case_insensitively_and_reads_declared_fields_only(
    crm: Source,
) -> None:
    connector = crm.connector()
    rows = connector.fetch("customers", {"email": ["alice.smith@example.co.uk"]})
    assert [row["id"] for row in rows] == [1]
    assert set(rows[0]) == {"id", "email", "phone", "name", "status", "created_on", "ended_on"}
    assert "internal_score" not in rows[0]


def test_exact_identity_match_compares_the_bare_column(crm: Source) -> None:
    connector = crm.connector(identity_match="exact")
    assert connector.fetch("customers", {"email": ["bob@example.com"]})[0]["id"] == 2
    if crm.backend != "mariadb":  # MariaDB's default collation ignores case by itself
        assert connector.fetch("customers", {"email": ["alice.smith@example.co.uk"]}) == []


def test_fetch_ors_fields_and_returns_each_row_once(crm: Source) -> None:
    connector = crm.connector()
    rows = connector.fetch(
        "customers", {"email": ["bob@example.com"], "phone": ["+447700900002", "nobody"]}
    )
    assert [row["id"] for row in rows] == [2]


def test_fetch_batches_more_than_a_thousand_values_into_one_query_each(crm: Source) -> None:
    connector = crm.connector()
    values = [f"nobody{i}@example.com" for i in range(2_400)] + ["carol@example.com"]
    rows = connector.fetch("customers", {"email": values})
    assert [row["id"] for row in rows] == [3]
    assert connector.stats.queries == 3


def test_sql_injection_in_values_is_inert(crm: Source) -> None:
    connector = crm.connector()
    attempts = [
        "x' OR '1'='1",
        "'; DROP TABLE customers; --",
        "bob@example.com' --",
        '" OR ""="',
    ]
    assert connector.fetch("customers", {"email": attempts, "name": attempts}) == []
    assert connector.rectify("customers", [(3,)], {"name": "'); DELETE FROM customers; --"}) == 1
    assert len(crm.rows("customers")) == 3
    assert next(r for r in crm.rows("customers") if r["id"] == 3)["name"].startswith("');")


def test_fetch_refuses_an_undeclared_field(crm: Source) -> None:
    connector = crm.connector()
    with pytest.raises(ConnectorError, match="no declared field 'internal_score'"):
        connector.fetch("customers", {"internal_score": [91]})


def test_composite_keys_are_deleted_exactly(crm: Source) -> None:
    connector = crm.connector()
    assert connector.delete("ticket_notes", [(10, 2), (11, 1), (99, 9)]) == 2
    left = {(r["ticket_id"], r["line"]) for r in crm.rows("ticket_notes")}
    assert left == {(10, 1), (12, 1)}


def test_composite_keys_are_rectified_exactly(crm: Source) -> None:
    connector = crm.connector()
    assert connector.rectify("ticket_notes", [(10, 1)], {"author": "Eve Adams"}) == 1
    authors = {(r["ticket_id"], r["line"]): r["author"] for r in crm.rows("ticket_notes")}
    assert authors[(10, 1)] == "Eve Adams"
    assert authors[(10, 2)] == "Eve"


def test_erase_nulls_masks_and_hashes_fields_of_kept_rows(crm: Source) -> None:
    connector = crm.connector()
    plan = ErasurePlan(
        delete_rows=False,
        fields=(
            FieldErasure("email", "hash"),
            FieldErasure("phone", "null"),
            FieldErasure("name", "mask", mask="Former customer"),
            FieldErasure("status", "keep"),
        ),
        hasher=keyed,
    )
    assert connector.erase("customers", [(1,), (2,)], plan) == 2
    rows = {r["id"]: r for r in crm.rows("customers")}
    assert rows[1]["email"] == keyed("Alice.Smith@Example.co.uk")
    assert rows[2]["email"] == keyed("bob@example.com")
    assert rows[1]["phone"] is None and rows[2]["phone"] is None
    assert rows[1]["name"] == rows[2]["name"] == "Former customer"
    assert rows[2]["status"] == "closed"
    assert rows[3]["email"] == "carol@example.com"


def test_erase_mask_without_a_mask_writes_the_default(crm: Source) -> None:
    connector = crm.connector()
    plan = ErasurePlan(delete_rows=False, fields=(FieldErasure("name", "mask"),))
    assert connector.erase("customers", [(3,)], plan) == 1
    assert next(r for r in crm.rows("customers") if r["id"] == 3)["name"] == DEFAULT_MASK


def test_erase_by_hash_needs_a_hasher(crm: Source) -> None:
    connector = crm.connector()
    plan = ErasurePlan(delete_rows=False, fields=(FieldErasure("email", "hash"),))
    with pytest.raises(ConnectorError, match="needs a hasher"):
        connector.erase("customers", [(1,)], plan)


def test_erase_refuses_to_blank_a_primary_key(crm: Source) -> None:
    connector = crm.connector()
    plan = ErasurePlan(delete_rows=False, fields=(FieldErasure("id", "null"),))
    with pytest.raises(ConnectorError, match="primary key"):
        connector.erase("customers", [(1,)], plan)


def test_erase_with_delete_removes_the_rows(crm: Source) -> None:
    connector = crm.connector()
    assert connector.erase("ticket_notes", [(12, 1)], ErasurePlan(delete_rows=True)) == 1
    assert (12, 1) not in {(r["ticket_id"], r["line"]) for r in crm.rows("ticket_notes")}


def test_deleting_a_parent_before_its_children_is_refused_by_the_foreign_key(
    crm: Source,
) -> None:
    connector = crm.connector()
    with pytest.raises(ConnectorError, match="system 'crm': deleting from customers"):
        connector.delete("customers", [(2,)])
    assert len(crm.rows("customers")) == 3
    assert connector.delete("ticket_notes", [(12, 1)]) == 1
    assert connector.delete("tickets", [(12,)]) == 1
    assert connector.delete("customers", [(2,)]) == 1


def test_rectify_with_a_value_the_column_refuses_names_system_collection_and_field(
    crm: Source,
) -> None:
    connector = crm.connector()
    with pytest.raises(ConnectorError) as caught:
        connector.rectify("customers", [(1,)], {"name": "Alice Brown", "status": "dormant"})
    message = str(caught.value)
    assert "'crm'" in message and "'customers'" in message and "'status'" in message
    # The transaction rolled back: the valid change before the refused one is not kept.
    assert next(r for r in crm.rows("customers") if r["id"] == 1)["name"] == "Alice Smith"


def test_rectify_a_number_column_with_text_is_refused(crm: Source) -> None:
    if crm.backend == "sqlite":
        pytest.skip("SQLite columns take any type: a CHECK constraint is the refusal there")
    connector = crm.connector()
    with pytest.raises(ConnectorError, match="field 'customer_id'"):
        connector.rectify("tickets", [(10,)], {"customer_id": "not a number"})


def test_expired_finds_old_rows_matching_conditions_in_keyset_batches(crm: Source) -> None:
    connector = crm.connector()
    query = ExpiryQuery(
        collection="customers",
        cutoff=date(2020, 1, 1),
        date_field="created_on",
        conditions=(Condition(field="status", op="=", value="closed"),),
    )
    assert list(connector.expired(query)) == [[(2,)]]
    everyone_old = ExpiryQuery(
        collection="tickets", cutoff=date(2026, 1, 1), date_field="opened_on"
    )
    batches = list(connector.expired(everyone_old, batch_size=2))
    assert batches == [[(10,), (11,)], [(12,), (13,)]]
    # Each scan first counts the expired rows, then pages until it has found them all: no
    # page runs on past the last expired row to the end of the table.
    assert connector.stats.queries == (1 + 1) + (1 + 2)


def test_expired_never_expires_a_null_date(crm: Source) -> None:
    connector = crm.connector()
    query = ExpiryQuery(collection="customers", cutoff=date(2030, 1, 1), date_field="ended_on")
    keys = [key for batch in connector.expired(query) for key in batch]
    assert keys == [(2,), (3,)]  # Alice has not left: her ended_on is null


def test_expired_conditions_not_equal_leaves_null_rows_undecided(crm: Source) -> None:
    # SQL's rule, as every kind reads it: ticket 13 has no customer, so `!= 1` is unknown
    # there; it does not expire, and `undecided` counts it with the empty field.
    connector = crm.connector()
    query = ExpiryQuery(
        collection="tickets",
        cutoff=date(2030, 1, 1),
        date_field="opened_on",
        conditions=(Condition(field="customer_id", op="!=", value=1),),
    )
    keys = [key for batch in connector.expired(query) for key in batch]
    assert keys == [(12,)]
    undecided = connector.undecided(query)
    assert (undecided.rows, undecided.fields) == (1, {"customer_id": 1})


def test_expired_reads_a_related_date(crm: Source) -> None:
    connector = crm.connector()
    query = ExpiryQuery(
        collection="tickets",
        cutoff=date(2021, 1, 1),
        related=RelatedDate(
            collection="customers",
            date_field="ended_on",
            local_field="customer_id",
            remote_field="id",
            conditions=(Condition(field="status", op="=", value="closed"),),
        ),
    )
    assert [key for batch in connector.expired(query) for key in batch] == [(12,)]


def test_expired_composite_keys_page_by_keyset(crm: Source) -> None:
    connector = crm.connector()
    query = ExpiryQuery(
        collection="ticket_notes",
        cutoff=date(2026, 1, 1),
        conditions=(Condition(field="author", op="is not null"),),
        related=RelatedDate(
            collection="tickets", date_field="opened_on", local_field="ticket_id", remote_field="id"
        ),
    )
    assert list(connector.expired(query, batch_size=2)) == [
        [(10, 1), (10, 2)],
        [(11, 1), (12, 1)],
    ]


def test_expired_naming_an_undeclared_field_says_so(crm: Source) -> None:
    connector = crm.connector()
    query = ExpiryQuery(collection="customers", cutoff=date(2020, 1, 1), date_field="deleted_on")
    with pytest.raises(ConnectorError, match="'deleted_on'"):
        list(connector.expired(query))


def test_test_passes_when_every_declared_table_and_column_exists(crm: Source) -> None:
    crm.connector().test()


def test_test_names_missing_tables_and_columns(crm: Source) -> None:
    system = crm_system()
    assert system.dataset is not None
    system.dataset.collections[0].fields[3].name = "full_name"
    system.dataset.collections[2].name = "notes"
    connector = connect(system, base_dir=Path(), environ={"CRM_DB_URL": crm.url})
    with pytest.raises(ConnectorError) as caught:
        connector.test()
    assert "table 'customers' has no column full_name" in str(caught.value)
    assert "table 'notes' not found" in str(caught.value)


def test_missing_environment_variable_names_the_system_and_the_variable() -> None:
    with pytest.raises(ConnectorError) as caught:
        connect(crm_system(), base_dir=Path(), environ={})
    assert "system 'crm'" in str(caught.value)
    assert "CRM_DB_URL" in str(caught.value)


def test_a_system_that_is_down_fails_with_its_name(postgres_url: str) -> None:
    system = crm_system(connect_timeout=2)
    url = "postgresql+psycopg://nobody:secret-pw@127.0.0.1:1/crm"
    connector = connect(system, base_dir=Path(), environ={"CRM_DB_URL": url})
    with pytest.raises(ConnectorError) as caught:
        connector.fetch("customers", {"email": ["bob@example.com"]})
    assert "system 'crm'" in str(caught.value)
    assert "cannot reach" in str(caught.value)
    assert "secret-pw" not in str(caught.value)
    with pytest.raises(ConnectorError, match="system 'crm'"):
        connector.test()


def test_a_relative_sqlite_path_is_read_from_the_policy_folder(tmp_path: Path) -> None:
    metadata = MetaData()
    people = Table(
        "people", metadata, Column("id", Integer, primary_key=True), Column("email", String)
    )
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{tmp_path / 'shop.db'}")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(people), [{"id": 1, "email": "a@example.com"}])
    engine.dispose()
    system = System.model_validate(
        {
            "name": "shop",
            "connector": "sql",
            "connection": {"url": "sqlite:///shop.db"},
            "dataset": {
                "collections": [
                    {
                        "name": "people",
                        "fields": [
                            {"name": "id", "primary_key": True},
                            {"name": "email", "identity": "email"},
                        ],
                    }
                ]
            },
        }
    )
    connector = connect(system, base_dir=tmp_path, environ={})
    assert connector.fetch("people", {"email": ["A@example.com".lower()]})[0]["id"] == 1
    elsewhere = connect(system, base_dir=tmp_path / "elsewhere", environ={})
    with pytest.raises(ConnectorError, match="does not exist"):
        elsewhere.fetch("people", {"email": ["a@example.com"]})
    assert not (tmp_path / "elsewhere").exists()


def test_schema_qualified_collections_are_read(postgres_url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(postgres_url)
    metadata = MetaData()
    contacts = Table(
        "contacts",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("email", String(100)),
        schema="sales",
    )
    with engine.begin() as connection:
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS sales"))
    metadata.create_all(engine)
    try:
        with engine.begin() as connection:
            connection.execute(insert(contacts), [{"id": 7, "email": "dan@example.com"}])
        system = System.model_validate(
            {
                "name": "sales",
                "connector": "sql",
                "connection": {"url_env": "SALES_URL"},
                "dataset": {
                    "collections": [
                        {
                            "name": "sales.contacts",
                            "fields": [
                                {"name": "id", "primary_key": True},
                                {"name": "email", "identity": "email"},
                            ],
                        }
                    ]
                },
            }
        )
        connector = connect(system, base_dir=Path(), environ={"SALES_URL": postgres_url})
        connector.test()
        assert connector.fetch("sales.contacts", {"email": ["dan@example.com"]})[0]["id"] == 7
        assert connector.delete("sales.contacts", [(7,)]) == 1
        with engine.connect() as connection:
            assert connection.execute(select(contacts.c.id)).all() == []
        connector.close()
    finally:
        metadata.drop_all(engine)
        engine.dispose()


def test_every_customer_row_is_left_as_it_was_by_reads(crm: Source) -> None:
    connector = crm.connector()
    connector.fetch("customers", {"email": ["bob@example.com"]})
    list(connector.expired(ExpiryQuery("customers", date(2030, 1, 1), "created_on")))
    assert [r["internal_score"] for r in crm.rows("customers")] == [
        c["internal_score"] for c in CUSTOMERS
    ]


def test_a_url_whose_driver_is_not_installed_says_so() -> None:
    connector = connect(
        crm_system(), base_dir=Path(), environ={"CRM_DB_URL": "mssql+pyodbc://u@db/crm"}
    )
    with pytest.raises(ConnectorError, match="no driver for 'mssql\\+pyodbc' is installed"):
        connector.test()


def test_an_unreadable_url_is_reported_without_repeating_it() -> None:
    with pytest.raises(ConnectorError) as caught:
        connect(crm_system(), base_dir=Path(), environ={"CRM_DB_URL": "not a url:pw"})
    assert "cannot be read" in str(caught.value)
    assert "pw" not in str(caught.value)


def test_expiry_counts_for_many_cutoffs_come_from_one_query(crm: Source) -> None:
    connector = crm.connector()
    query = ExpiryQuery(
        collection="tickets",
        cutoff=date(2026, 1, 1),
        date_field="opened_on",
        conditions=(Condition(field="subject", op="!=", value="VPN"),),
    )
    cutoffs = [date(2019, 1, 1), date(2019, 1, 2), date(2020, 6, 1), date(2030, 1, 1)]
    assert connector.count_expiring(query, cutoffs) == [0, 1, 3, 3]
    assert connector.stats.queries == 1
    related = ExpiryQuery(
        collection="tickets",
        cutoff=date(2026, 1, 1),
        related=RelatedDate("customers", "ended_on", "customer_id", "id"),
    )
    assert connector.count_expiring(related, [date(2019, 1, 1), date(2026, 1, 1)]) == [0, 1]
