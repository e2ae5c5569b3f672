"""Generators build the same systems on PostgreSQL and MariaDB as on SQLite."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import MetaData, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from dataward.examples.contents import build_example, snapshot, system_engine


@contextmanager
def _database(server_url: str) -> Iterator[str]:
    """A database of our own on that server, dropped afterwards, so the generators' tables
    never meet other tests' tables in the shared scratch database."""
    url = make_url(server_url)
    name = f"dw_examples_{secrets.token_hex(4)}"
    postgres = url.get_backend_name() == "postgresql"
    quoted = f'"{name}"' if postgres else f"`{name}`"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {quoted}"))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            force = " WITH (FORCE)" if postgres else ""
            connection.execute(text(f"DROP DATABASE IF EXISTS {quoted}{force}"))
        admin.dispose()


def test_support_helpdesk_on_postgresql_holds_the_same_rows_as_on_sqlite(
    postgres_url: str, tmp_path: Path
) -> None:
    on_sqlite = build_example("support", tmp_path / "sqlite", people=40)
    with _database(postgres_url) as helpdesk_url:
        # Twice: generating again into the same database starts it afresh.
        for attempt in ("first", "again"):
            on_server = build_example(
                "support", tmp_path / attempt, people=40, urls={"helpdesk": helpdesk_url}
            )
            assert on_server.environment["SUPPORT_HELPDESK_URL"] == helpdesk_url
            helpdesk = on_server.system("helpdesk")
            assert snapshot(helpdesk, on_server.environment) == snapshot(
                helpdesk, on_sqlite.environment
            )
        with system_engine(helpdesk, on_server.environment) as engine:
            inspector = inspect(engine)
            (foreign_key,) = inspector.get_foreign_keys("tickets")
            assert foreign_key["referred_table"] == "customers"
            indexed = {tuple(i["column_names"]) for i in inspector.get_indexes("customers")}
            assert {("email",), ("phone",), ("relationship_ended_on",)} <= indexed
            columns = {c["name"]: c["type"] for c in inspector.get_columns("tickets")}
            assert getattr(columns["opened_at"], "timezone", False) is True
            # The product adds rows after generation: ids continue after the sample's.
            metadata = MetaData()
            metadata.reflect(engine, only=["customers"])
            customers = metadata.tables["customers"]
            with engine.begin() as connection:
                largest = connection.execute(select(func.max(customers.c.id))).scalar_one()
                new_id = connection.execute(
                    customers.insert()
                    .values(
                        customer_number="C999999",
                        name="New Customer",
                        email="new.customer@example.com",
                        created_on=date(2026, 3, 2),
                    )
                    .returning(customers.c.id)
                ).scalar_one()
            assert new_id == largest + 1


def test_voip_crm_on_mariadb_and_hr_on_postgresql_match_sqlite(
    postgres_url: str, mariadb_url: str, tmp_path: Path
) -> None:
    on_sqlite = build_example("voip", tmp_path / "sqlite", people=40)
    with _database(mariadb_url) as crm_url, _database(postgres_url) as hr_url:
        on_servers = build_example(
            "voip", tmp_path / "servers", people=40, urls={"crm": crm_url, "hr": hr_url}
        )
        assert on_servers.environment["VOIP_CRM_URL"] == crm_url
        for name in ("crm", "hr", "website", "recordings"):
            system = on_servers.system(name)
            assert snapshot(system, on_servers.environment) == snapshot(
                system, on_sqlite.environment
            ), name
        with system_engine(on_servers.system("crm"), on_servers.environment) as engine:
            assert engine.dialect.name == "mysql"
            inspector = inspect(engine)
            referred = {k["referred_table"] for k in inspector.get_foreign_keys("complaints")}
            assert referred == {"customers"}
        with system_engine(on_servers.system("hr"), on_servers.environment) as engine:
            assert engine.dialect.name == "postgresql"
            checks = inspect(engine).get_foreign_keys("pre_employment_checks")
            assert [k["referred_table"] for k in checks] == ["employees"]
