"""Finding a person across collections and systems, and the order to erase in."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from crm_source import CRM_DATASET, Source, crm_metadata, make_source
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, insert

from dataward.connectors.service import (
    Identities,
    find_person,
    keys_by_collection,
    open_connectors,
    phone_variants,
)
from dataward.core.errors import PolicyError
from dataward.policy.graph import erasure_order
from dataward.policy.service import LoadedPolicy

WritePolicy = Callable[[list[dict[str, Any]]], LoadedPolicy]


def crm_entry(name: str = "crm", env: str = "CRM_DB_URL") -> dict[str, Any]:
    return {
        "name": name,
        "connector": "sql",
        "connection": {"url_env": env},
        "dataset": copy.deepcopy(CRM_DATASET),
    }


def test_identities_are_normalised() -> None:
    identities = Identities.of(email=" Alice.Smith@Example.CO.UK ", phone="07700 900001")
    assert identities.values == {
        "email": {"alice.smith@example.co.uk"},
        "phone_number": {"+447700900001"},
    }
    assert not Identities.of(email="  ")


def test_phone_variants_cover_the_usual_spellings() -> None:
    assert {"+447700900001", "07700 900001", "07700900001", "+44 7700 900001"} <= phone_variants(
        "+447700900001"
    )


def test_find_person_follows_references_and_queries_each_collection_once(
    crm: Source, write_policy: WritePolicy
) -> None:
    loaded = write_policy([crm_entry()])
    connectors = open_connectors(loaded, environ={"CRM_DB_URL": crm.url})
    found = find_person(loaded, connectors, Identities.of(email="alice.smith@EXAMPLE.co.uk"))
    keys = keys_by_collection(found)
    assert keys[("crm", "customers")] == [(1,)]
    # 10 and 11 through customer 1; 13 through its contact email, with no customer at all.
    assert sorted(keys[("crm", "tickets")]) == [(10,), (11,), (13,)]
    assert sorted(keys[("crm", "ticket_notes")]) == [(10, 1), (10, 2), (11, 1)]
    assert found.searched == [("crm", "customers"), ("crm", "tickets"), ("crm", "ticket_notes")]
    assert connectors["crm"].stats.queries == 3
    assert found.rows_scanned == 1 + 3 + 3
    customer = next(r for r in found.records if r.collection == "customers")
    assert customer.categories["email"] == ["user.contact.email"]
    assert "ended_on" not in customer.categories  # no categories declared
    walk_in = next(r for r in found.records if r.key == (13,))
    assert "subject" in walk_in.categories and "contact_email" in walk_in.categories


def test_find_person_by_phone_matches_a_nationally_formatted_number(
    crm: Source, write_policy: WritePolicy
) -> None:
    loaded = write_policy([crm_entry()])
    connectors = open_connectors(loaded, environ={"CRM_DB_URL": crm.url})
    found = find_person(loaded, connectors, Identities.of(phone="+44 7700 900001"))
    assert found.keys()[("crm", "customers")] == [(1,)]


def test_find_person_with_unknown_identities_finds_nothing_and_says_what_was_searched(
    crm: Source, write_policy: WritePolicy
) -> None:
    loaded = write_policy([crm_entry()])
    connectors = open_connectors(loaded, environ={"CRM_DB_URL": crm.url})
    found = find_person(loaded, connectors, Identities.of(email="nobody@example.com"))
    assert found.records == []
    assert found.searched == [("crm", "customers"), ("crm", "tickets")]
    assert found.counts() == {("crm", "customers"): 0, ("crm", "tickets"): 0}


def test_deleting_in_erasure_order_keeps_foreign_keys(
    crm: Source, write_policy: WritePolicy
) -> None:
    loaded = write_policy([crm_entry()])
    assert erasure_order(loaded.policy) == [
        ("crm", "ticket_notes"),
        ("crm", "tickets"),
        ("crm", "customers"),
    ]
    connectors = open_connectors(loaded, environ={"CRM_DB_URL": crm.url})
    found = find_person(loaded, connectors, Identities.of(email="bob@example.com"))
    keys = found.keys()
    for system, collection in erasure_order(loaded.policy):
        if (system, collection) in keys:
            connectors[system].delete(collection, keys[(system, collection)])
    assert [r["id"] for r in crm.rows("customers")] == [1, 3]
    assert 12 not in {r["id"] for r in crm.rows("tickets")}


HELPDESK = MetaData()
Table(
    "requests",
    HELPDESK,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("crm_customer_id", Integer, index=True),
    Column("requester_email", String(200)),
    Column("summary", String(200)),
)
Table(
    "replies",
    HELPDESK,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("request_id", Integer, ForeignKey("requests.id"), index=True),
    Column("body", String(500)),
)

HELPDESK_ENTRY: dict[str, Any] = {
    "name": "helpdesk",
    "connector": "sql",
    "connection": {"url_env": "HELPDESK_DB_URL"},
    "dataset": {
        "collections": [
            {
                "name": "requests",
                "fields": [
                    {"name": "id", "primary_key": True},
                    {"name": "crm_customer_id", "references": [{"to": "crm.customers.id"}]},
                    {
                        "name": "requester_email",
                        "identity": "email",
                        "categories": ["user.contact.email"],
                    },
                    {"name": "summary", "categories": ["user.content"]},
                ],
            },
            {
                "name": "replies",
                "fields": [
                    {"name": "id", "primary_key": True},
                    {"name": "request_id", "references": [{"to": "requests.id"}]},
                    {"name": "body", "categories": ["user.content"]},
                ],
            },
        ]
    },
}


@pytest.fixture(params=[("sqlite", "sqlite"), ("mariadb", "postgres")], ids=["sqlite", "servers"])
def two_systems(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Source, Source]]:
    """A CRM and a helpdesk whose tickets point at CRM customers, in two databases."""
    crm_backend, helpdesk_backend = request.param
    if crm_backend == "sqlite":
        crm_url = f"sqlite:///{tmp_path / 'crm.db'}"
        helpdesk_url = f"sqlite:///{tmp_path / 'helpdesk.db'}"
    else:
        crm_url = request.getfixturevalue("mariadb_url")
        helpdesk_url = request.getfixturevalue("postgres_url")
    for crm in make_source(crm_backend, crm_url, crm_metadata()):
        crm.fill()
        for helpdesk in make_source(helpdesk_backend, helpdesk_url, HELPDESK):
            with helpdesk.engine.begin() as connection:
                connection.execute(
                    insert(HELPDESK.tables["requests"]),
                    [
                        {"id": 1, "crm_customer_id": 2, "requester_email": None, "summary": "A"},
                        {"id": 2, "crm_customer_id": 1, "requester_email": None, "summary": "B"},
                        {
                            "id": 3,
                            "crm_customer_id": None,
                            "requester_email": "BOB@example.com",
                            "summary": "C",
                        },
                    ],
                )
                connection.execute(
                    insert(HELPDESK.tables["replies"]),
                    [
                        {"id": 100, "request_id": 1, "body": "x"},
                        {"id": 101, "request_id": 2, "body": "y"},
                        {"id": 102, "request_id": 3, "body": "z"},
                    ],
                )
            yield crm, helpdesk


def test_find_person_follows_a_reference_into_another_system(
    two_systems: tuple[Source, Source], write_policy: WritePolicy
) -> None:
    crm, helpdesk = two_systems
    loaded = write_policy([crm_entry(), copy.deepcopy(HELPDESK_ENTRY)])
    environ = {"CRM_DB_URL": crm.url, "HELPDESK_DB_URL": helpdesk.url}
    connectors = open_connectors(loaded, environ=environ)
    found = find_person(loaded, connectors, Identities.of(email="bob@example.com"))
    keys = found.keys()
    assert keys[("crm", "customers")] == [(2,)]
    assert sorted(keys[("helpdesk", "requests")]) == [(1,), (3,)]
    assert sorted(keys[("helpdesk", "replies")]) == [(100,), (102,)]
    assert connectors["helpdesk"].stats.queries == 2  # requests once, replies once


def test_open_connectors_opens_only_the_systems_asked_for(
    two_systems: tuple[Source, Source], write_policy: WritePolicy
) -> None:
    crm, _ = two_systems
    loaded = write_policy([crm_entry(), copy.deepcopy(HELPDESK_ENTRY)])
    connectors = open_connectors(loaded, environ={"CRM_DB_URL": crm.url}, systems=["crm"])
    assert list(connectors) == ["crm"]
    found = find_person(loaded, connectors, Identities.of(email="bob@example.com"))
    assert {r.system for r in found.records} == {"crm"}
    with pytest.raises(PolicyError, match="no system named 'billing'"):
        open_connectors(loaded, environ={}, systems=["billing"])


def test_direction_to_walks_from_the_holder_to_the_referenced_row(
    tmp_path: Path, write_policy: WritePolicy
) -> None:
    metadata = MetaData()
    Table(
        "addresses",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("line1", String(100)),
    )
    Table(
        "orders",
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("email", String(100)),
        Column("address_id", Integer, ForeignKey("addresses.id")),
    )
    url = f"sqlite:///{tmp_path / 'shop.db'}"
    for shop in make_source("sqlite", url, metadata):
        with shop.engine.begin() as connection:
            connection.execute(
                insert(metadata.tables["addresses"]),
                [{"id": 1, "line1": "1 High St"}, {"id": 2, "line1": "2 Low Rd"}],
            )
            connection.execute(
                insert(metadata.tables["orders"]),
                [
                    {"id": 5, "email": "a@example.com", "address_id": 2},
                    {"id": 6, "email": "b@example.com", "address_id": 1},
                ],
            )
        entry = {
            "name": "shop",
            "connector": "sql",
            "connection": {"url": "sqlite:///shop.db"},
            "dataset": {
                "collections": [
                    {
                        "name": "addresses",
                        "fields": [
                            {"name": "id", "primary_key": True},
                            {"name": "line1", "categories": ["user.contact.address"]},
                        ],
                    },
                    {
                        "name": "orders",
                        "fields": [
                            {"name": "id", "primary_key": True},
                            {"name": "email", "identity": "email"},
                            {
                                "name": "address_id",
                                "references": [{"to": "addresses.id", "direction": "to"}],
                            },
                        ],
                    },
                ]
            },
        }
        loaded = write_policy([entry])
        connectors = open_connectors(loaded, environ={})
        found = find_person(loaded, connectors, Identities.of(email="a@example.com"))
        assert found.keys() == {("shop", "orders"): [(5,)], ("shop", "addresses"): [(2,)]}
        # Erasure order still follows the foreign key: orders hold it, so they go first.
        assert erasure_order(loaded.policy) == [("shop", "orders"), ("shop", "addresses")]
        for connector in connectors.values():
            connector.close()


def test_identities_are_normalised_by_the_one_normaliser() -> None:
    from dataward.connectors.service import normalise
    from dataward.core.crypto import normalise_email, normalise_phone

    assert normalise("email", " Alice@Example.CO.UK ") == normalise_email("alice@example.co.uk")
    assert normalise("phone_number", "07700 900123") == normalise_phone("+44 7700 900123")
    # What a form would refuse is still searched for, as the source may hold it.
    assert normalise("email", " Not-An-Address ") == "not-an-address"
    assert normalise("phone_number", "ext. 12") == "ext. 12"
