"""The benchmark population: four systems' tables, about 11 rows per person, bulk-loaded.

COPY for PostgreSQL, LOAD DATA LOCAL INFILE for MariaDB, executemany for SQLite; then indexes,
foreign keys and planner statistics. `bench_meta` records the size, so later runs reuse it."""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

TODAY = date(2026, 3, 2)
DATABASE = "dw_bench_rights"
ROWS_PER_PERSON = {
    "crm.customers": 1.0,
    "crm.tickets": 2.0,
    "crm.ticket_notes": 1.0,
    "crm.devices": 1.0,
    "crm.sites": 0.5,
    "billing.accounts": 1.0,
    "billing.invoices": 1.0,
    "billing.payments": 1.0,
    "billing.addresses": 0.5,
    "marketing.subscribers": 1.0,
    "marketing.clicks": 0.5,
    "calls.recordings": 0.5,
}


def email(i: int) -> str:
    return f"person{i}@bench.example.com"


def phone(i: int) -> str:
    # 071xx to 073xx are valid UK mobile ranges, so every number passes intake's check.
    return f"+4471{i:08d}"


def day(i: int, spread: int) -> date:
    return TODAY - timedelta(days=1 + (i * 7919) % spread)


def crm_metadata() -> sa.MetaData:
    m = sa.MetaData()
    sa.Table(
        "customers",
        m,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("name", sa.String(120)),
        sa.Column("created_on", sa.Date),
    )
    sa.Table(
        "tickets",
        m,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("customer_id", sa.BigInteger, nullable=True),
        sa.Column("subject", sa.String(200)),
        sa.Column("opened_on", sa.Date),
    )
    sa.Table(
        "ticket_notes",
        m,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("ticket_id", sa.BigInteger),
        sa.Column("body", sa.Text),
    )
    sa.Table(
        "devices",
        m,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("customer_id", sa.BigInteger),
        sa.Column("hostname", sa.String(100)),
    )
    sa.Table(
        "sites",
        m,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("customer_id", sa.BigInteger),
        sa.Column("address", sa.String(200)),
        sa.Column("postcode", sa.String(10)),
    )
    return m


def billing_metadata() -> sa.MetaData:
    m = sa.MetaData()
    sa.Table(
        "accounts",
        m,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("account_number", sa.String(20)),
    )
    sa.Table(
        "invoices",
        m,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("account_id", sa.BigInteger),
        sa.Column("issued_on", sa.Date),
        sa.Column("amount_pence", sa.Integer),
    )
    sa.Table(
        "payments",
        m,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("invoice_id", sa.BigInteger),
        sa.Column("paid_on", sa.Date),
        sa.Column("amount_pence", sa.Integer),
    )
    sa.Table(
        "addresses",
        m,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("account_id", sa.BigInteger),
        sa.Column("line1", sa.String(200)),
        sa.Column("postcode", sa.String(10)),
    )
    return m


def marketing_metadata() -> sa.MetaData:
    m = sa.MetaData()
    sa.Table(
        "subscribers",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False),
        sa.Column("first_name", sa.String(60)),
        sa.Column("subscribed_on", sa.Date),
    )
    sa.Table(
        "clicks",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("subscriber_id", sa.Integer),
        sa.Column("url", sa.String(200)),
        sa.Column("clicked_on", sa.Date),
    )
    return m


def calls_metadata() -> sa.MetaData:
    m = sa.MetaData()
    sa.Table(
        "recordings",
        m,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("caller", sa.String(20)),
        sa.Column("recorded_on", sa.Date),
        sa.Column("audio_file", sa.String(100)),
    )
    return m


# Indexes and foreign keys go on after the bulk load: loading into them row by row is slower.
# Emails are matched case-insensitively (lower(email) IN ...), which only an index on the
# expression serves; MariaDB 10 has no expression indexes, so billing, whose addresses are
# stored lower-cased as intake normalises them, is searched with `identity_match: exact`.
INDEXES = {
    "crm": [
        ("customers", "lower(email)"),
        ("customers", "phone"),
        ("tickets", "customer_id"),
        ("ticket_notes", "ticket_id"),
        ("devices", "customer_id"),
        ("sites", "customer_id"),
    ],
    "billing": [
        ("accounts", "email"),
        ("invoices", "account_id"),
        ("payments", "invoice_id"),
        ("addresses", "account_id"),
    ],
    "marketing": [("subscribers", "lower(email)"), ("clicks", "subscriber_id")],
    "calls": [("recordings", "caller")],
}
FOREIGN_KEYS = {
    "crm": [
        ("tickets", "customer_id", "customers"),
        ("ticket_notes", "ticket_id", "tickets"),
        ("devices", "customer_id", "customers"),
        ("sites", "customer_id", "customers"),
    ],
    "billing": [
        ("invoices", "account_id", "accounts"),
        ("payments", "invoice_id", "invoices"),
        ("addresses", "account_id", "accounts"),
    ],
}


def rows(table: str, people: int) -> Iterator[tuple[Any, ...]]:
    """Every row of one table, person by person, deterministic."""
    for i in range(1, people + 1):
        if table == "customers":
            yield (i, email(i), phone(i), f"Person {i}", day(i, 3000))
        elif table == "tickets":
            yield (2 * i - 1, i, f"Printer fault {i}", day(i, 700))
            yield (2 * i, i, f"Email not syncing {i}", day(i + 1, 700))
        elif table == "ticket_notes":
            yield (i, 2 * i - 1, f"Called back, fixed the driver for person {i}")
        elif table == "devices":
            yield (i, i, f"LAPTOP-{i:07d}")
        elif table == "sites" and i % 2 == 0:
            yield (i // 2, i, f"{i % 200 + 1} High Street", "BS1 4DJ")
        elif table == "accounts":
            yield (i, email(i), f"AC{i:08d}")
        elif table == "invoices":
            # Half the invoices are older than six years: erased; the rest are kept.
            yield (i, i, day(i, 4000), 1000 + i % 9000)
        elif table == "payments":
            yield (i, i, day(i, 4000), 1000 + i % 9000)
        elif table == "addresses" and i % 2 == 1:
            yield ((i + 1) // 2, i, f"{i % 90 + 1} Mill Lane", "RG1 7RP")
        elif table == "subscribers":
            yield (i, email(i), f"Person{i}", day(i, 900))
        elif table == "clicks" and i % 2 == 0:
            yield (i // 2, i, "https://bench.example.com/offer", day(i, 300))
        elif table == "recordings" and i % 2 == 1:
            yield ((i + 1) // 2, phone(i), day(i, 80), f"rec-{(i + 1) // 2:07d}.wav")


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _chunks(table: str, people: int, size: int = 1 << 20) -> Iterator[bytes]:
    buffer = io.StringIO()
    for row in rows(table, people):
        buffer.write("\t".join(_text(v) for v in row))
        buffer.write("\n")
        if buffer.tell() >= size:
            yield buffer.getvalue().encode()
            buffer = io.StringIO()
    if buffer.tell():
        yield buffer.getvalue().encode()


def load_postgres(engine: sa.Engine, m: sa.MetaData, people: int) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table in m.sorted_tables:
            columns = ", ".join(c.name for c in table.columns)
            with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
                for chunk in _chunks(table.name, people):
                    copy.write(chunk)
        raw.commit()
    finally:
        raw.close()


def load_mariadb(engine: sa.Engine, m: sa.MetaData, people: int, folder: Path) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table in m.sorted_tables:
            path = folder / f"{table.name}.tsv"
            with path.open("wb") as handle:
                for chunk in _chunks(table.name, people):
                    handle.write(chunk)
            columns = ", ".join(c.name for c in table.columns)
            cursor.execute(
                f"LOAD DATA LOCAL INFILE '{path}' INTO TABLE {table.name} "
                f"FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' ({columns})"
            )
            path.unlink()
        raw.commit()
    finally:
        raw.close()


def load_sqlite(engine: sa.Engine, m: sa.MetaData, people: int) -> None:
    with engine.begin() as connection:
        for table in m.sorted_tables:
            batch: list[tuple[Any, ...]] = []
            insert = (
                f"INSERT INTO {table.name} ({', '.join(c.name for c in table.columns)}) "
                f"VALUES ({', '.join('?' for _ in table.columns)})"
            )
            raw = connection.connection.driver_connection
            assert raw is not None
            for row in rows(table.name, people):
                batch.append(tuple(_text(v) if isinstance(v, date) else v for v in row))
                if len(batch) >= 50_000:
                    raw.executemany(insert, batch)
                    batch.clear()
            if batch:
                raw.executemany(insert, batch)


def finish(engine: sa.Engine, system: str, people: int) -> None:
    with engine.begin() as connection:
        for table, column in INDEXES[system]:
            name = f"ix_{table}_{column.replace('(', '_').replace(')', '')}"
            connection.execute(sa.text(f"CREATE INDEX {name} ON {table} ({column})"))
        for table, column, target in FOREIGN_KEYS.get(system, []):
            connection.execute(
                sa.text(
                    f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{column} "
                    f"FOREIGN KEY ({column}) REFERENCES {target} (id)"
                )
            )
        # Fresh statistics, so the planners use the new indexes from the first request.
        backend = engine.dialect.name
        for table in {t for t, _c in INDEXES[system]}:
            if backend == "postgresql":
                connection.execute(sa.text(f"ANALYZE {table}"))
            elif backend == "mysql":
                connection.execute(sa.text(f"ANALYZE TABLE {table}"))
        if backend == "sqlite":
            connection.execute(sa.text("ANALYZE"))
        connection.execute(sa.text("CREATE TABLE bench_meta (people INTEGER NOT NULL)"))
        connection.execute(sa.text("INSERT INTO bench_meta VALUES (:n)"), {"n": people})


def built_people(engine: sa.Engine) -> int | None:
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT people FROM bench_meta")).scalar_one())
    except sa.exc.SQLAlchemyError:
        return None


def server_database(server: str, name: str, *, fresh: bool) -> str:
    url = make_url(server)
    quote = '"' if url.get_backend_name() == "postgresql" else "`"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if fresh:
            force = " WITH (FORCE)" if url.get_backend_name() == "postgresql" else ""
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {quote}{name}{quote}{force}"))
            connection.execute(sa.text(f"CREATE DATABASE {quote}{name}{quote}"))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def build(args: argparse.Namespace, data: Path) -> tuple[dict[str, str], float]:
    """The four systems' URLs (and the calls folder), built now or reused; build seconds."""
    started = time.perf_counter()
    calls = data / "calls"
    urls = {
        "crm": make_url(args.postgres).set(database=DATABASE).render_as_string(hide_password=False),
        "billing": make_url(args.mariadb)
        .set(database=DATABASE, query={"local_infile": "1"})
        .render_as_string(hide_password=False),
        "marketing": f"sqlite:///{data / 'marketing.db'}",
        "calls": f"sqlite:///{calls / 'index.sqlite'}",
    }
    layout = {
        "crm": crm_metadata(),
        "billing": billing_metadata(),
        "marketing": marketing_metadata(),
        "calls": calls_metadata(),
    }
    rebuilt = False
    for system, m in layout.items():
        url = urls[system]
        reuse = not args.rebuild
        if reuse:
            try:
                engine = sa.create_engine(url)
                reuse = built_people(engine) == args.people
                engine.dispose()
            except sa.exc.SQLAlchemyError:
                reuse = False
        if reuse:
            continue
        rebuilt = True
        print(f"building {system} for {args.people:,} people...", file=sys.stderr)
        if system == "crm":
            server_database(args.postgres, DATABASE, fresh=True)
        elif system == "billing":
            server_database(args.mariadb, DATABASE, fresh=True)
        else:
            path = Path(make_url(url).database or "")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.unlink(missing_ok=True)
        engine = sa.create_engine(url)
        m.create_all(engine)
        if system == "crm":
            load_postgres(engine, m, args.people)
        elif system == "billing":
            load_mariadb(engine, m, args.people, data)
        else:
            load_sqlite(engine, m, args.people)
        finish(engine, system, args.people)
        engine.dispose()
    return urls, (time.perf_counter() - started) if rebuilt else 0.0
