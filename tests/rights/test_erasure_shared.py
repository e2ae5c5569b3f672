"""Erasure on a shop where records are shared between people: only what is the person's goes.

Each test runs on SQLite, and on PostgreSQL and MariaDB where their URLs are set.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataward.connectors.provenance import BEYOND, OWN, REFERENCED
from dataward.connectors.service import FoundRecord, Identities, find_person, open_connectors
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.policy.service import load_policy
from dataward.rights.context import ExecutionContext, Retry
from dataward.rights.erasure import plan_erasure
from dataward.rights.erasure_preview import PlannedRow, preview_erasure
from dataward.rights.execution import run_request
from dataward.rights.models import ItemOutcome, RequestKind, RequestState
from dataward.rights.steps import item_reason, key_digest

from .kestrel import OPERATOR
from .shop import ALICE, BOB, Shop, build_shop, shop_request

Rows = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def shop_engines() -> Iterator[dict[str, sa.Engine]]:
    engines: dict[str, sa.Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def shop(
    request: pytest.FixtureRequest, tmp_path: Path, shop_engines: dict[str, sa.Engine]
) -> Iterator[Shop]:
    backend: str = request.param
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'shop.db'}"
        engine = sa.create_engine(url)
        yield build_shop(tmp_path / "shop", url, engine)
        engine.dispose()
        return
    url = request.getfixturevalue(f"{backend}_url")
    engine = shop_engines.get(backend) or shop_engines.setdefault(backend, sa.create_engine(url))
    yield build_shop(tmp_path / "shop", url, engine)


def _context(db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, home: Path) -> Any:
    return ExecutionContext(
        session=db,
        keyring=keyring,
        clock=clock,
        home=home,
        actor=OPERATOR,
        loaded=shop.loaded,
        environ=shop.environ,
        retry=Retry(attempts=1),
        commit=db.commit,
    )


def _erase(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, tmp_path: Path, email: str
) -> Any:
    request = shop_request(
        db, keyring=keyring, clock=clock, loaded=shop.loaded, kind=RequestKind.ERASURE, email=email
    )
    run_request(ctx=_context(db, keyring, clock, shop, tmp_path / "home"), request=request)
    return request


def _ids(rows: Rows, table: str) -> list[int]:
    return sorted(r["id"] for r in rows[table])


def test_attack_erasure_deletes_shared_product(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, tmp_path: Path
) -> None:
    before = shop.snapshot()
    request = _erase(db, keyring, clock, shop, tmp_path, ALICE)

    after = shop.snapshot()
    assert request.state == RequestState.AWAITING_REVIEW
    # Product 2 was bought only by Alice, but the catalogue is not hers.
    assert after["product"] == before["product"]
    products = [i for i in request.items if i.collection == "product"]
    assert {(i.outcome, i.ground) for i in products} == {(ItemOutcome.KEPT, "not_personal_data")}


def test_attack_erasure_deletes_address_another_customer_uses(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, tmp_path: Path
) -> None:
    before = shop.snapshot()
    request = _erase(db, keyring, clock, shop, tmp_path, ALICE)

    after = shop.snapshot()
    assert request.state == RequestState.AWAITING_REVIEW
    # Address 1 is where Bob's order ships and his card is billed: it stays, untouched.
    assert [a for a in after["address"] if a["id"] == 1] == [
        a for a in before["address"] if a["id"] == 1
    ]
    # Address 3 was used only by Alice's own order, which stays (anonymised) under its order
    # items (the shop's operations, no personal data): so it stays too, with nothing of her.
    assert _ids(after, "address") == [1, 2, 3, 4]
    third = next(a for a in after["address"] if a["id"] == 3)
    assert [third[n] for n in ("house", "street", "city", "state", "zip")] == [None] * 5
    assert _ids(after, "employee") == [1]
    kept = next(
        item_reason(i, keyring=keyring)
        for i in request.items
        if i.collection == "address" and i.ground == "shared_record" and i.reason
    )
    assert "orders.shipping_address_id" in kept
    assert "payment_card.billing_address_id" in kept


def test_the_search_tells_the_person_s_records_from_shared_ones(shop: Shop) -> None:
    connectors = open_connectors(shop.loaded, environ=shop.environ)
    try:
        found = find_person(shop.loaded, connectors, Identities.of(email=ALICE))
    finally:
        for connector in connectors.values():
            connector.close()
    via = {(r.collection, r.key): r.via for r in found.records if r.collection != "order_item"}
    assert via[("customer", (1,))] == OWN
    assert via[("orders", (10,))] == OWN
    assert via[("address", (1,))] == REFERENCED
    assert via[("product", (2,))] == REFERENCED
    assert ("employee", (1,)) not in via  # staff are found from their own records
    # Access still reads everything found, the collections without a primary key included.
    items = [r for r in found.records if r.collection == "order_item"]
    assert sorted(r.row["order_id"] for r in items) == [10, 11]
    assert {r.matched for r in items} == {("order_id",)}
    visits = [r for r in found.records if r.collection == "visit"]
    assert len(visits) == 2 and {r.row["email"] for r in visits} == {ALICE}


def _find(rows: list[dict[str, Any]], planned: PlannedRow) -> dict[str, Any]:
    # The connector reads dates as the dataset types them (text here): compare as text.
    matching = [r for r in rows if all(str(r[k]) == str(v) for k, v in planned.row.items())]
    assert len(matching) == 1, (planned, matching)
    return matching[0]


def test_the_plan_and_the_result_agree_row_by_row(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, tmp_path: Path
) -> None:
    before = shop.snapshot()
    plan = preview_erasure(
        session=db,
        keyring=keyring,
        clock=clock,
        loaded=shop.loaded,
        identities=Identities.of(email=ALICE),
        environ=shop.environ,
    )
    assert shop.snapshot() == before  # the dry run changed nothing

    request = _erase(db, keyring, clock, shop, tmp_path, ALICE)
    after = shop.snapshot()

    # Every row the plan deletes is gone; every row it keeps is as it was; nothing else moved.
    expected: Rows = {table: list(rows) for table, rows in before.items()}
    for planned in plan:
        row = _find(before[planned.collection], planned)
        if planned.action == "delete":
            expected[planned.collection].remove(row)
        elif planned.action == "change":
            changed = {**row, **dict.fromkeys(planned.fields)}
            index = expected[planned.collection].index(row)
            expected[planned.collection][index] = changed
    assert after == {t: sorted(rows, key=repr) for t, rows in expected.items()}

    # The request's review lists the same rows with the same outcomes.
    outcome_of = {"delete": "erased", "change": "anonymised"}
    reviewed = {(i.collection, i.key_digest): i.outcome.value for i in request.items}
    ctx = _context(db, keyring, clock, shop, tmp_path / "home")
    assert reviewed == {
        (p.collection, key_digest(ctx, p.system, p.collection, p.key)): outcome_of.get(
            p.action, p.outcome
        )
        for p in plan
    }
    # The shape of it: Alice's customer row, card, logins, request, report and visits go; her
    # orders stay under their items (no personal data) with her id blanked, and so does the
    # address only her order used, with its lines blanked.
    deleted = sorted((p.collection, p.by) for p in plan if p.action == "delete")
    assert deleted == [
        ("customer", "key id=1"),
        ("login", "key id=1000"),
        ("login", "key id=1001"),
        ("payment_card", "key id=100"),
        ("report", "key id=1"),
        ("service_request", "key id=500"),
        ("visit", f"matching email={ALICE}"),
        ("visit", f"matching email={ALICE}"),
    ]
    changed = sorted((p.collection, p.by, tuple(p.fields)) for p in plan if p.action == "change")
    assert changed == [
        ("address", "key id=3", ("house", "street", "city", "state", "zip")),
        ("orders", "key id=10", ("customer_id",)),
        ("orders", "key id=11", ("customer_id",)),
    ]
    assert sorted((p.collection, p.by) for p in plan if p.action == "keep") == [
        ("address", "key id=1"),
        ("order_item", "matching order_id=10"),
        ("order_item", "matching order_id=11"),
        ("product", "key id=1"),
        ("product", "key id=2"),
    ]


def test_bob_erased_after_alice_loses_only_his_own(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, tmp_path: Path
) -> None:
    _erase(db, keyring, clock, shop, tmp_path, ALICE)
    _erase(db, keyring, clock, shop, tmp_path, BOB)

    after = shop.snapshot()
    # Bob's home address was his alone: it goes with him. Address 1 stays: Alice's kept
    # (anonymised) order still ships there.
    assert _ids(after, "address") == [1, 3, 4]
    assert _ids(after, "customer") == [] and _ids(after, "payment_card") == []
    assert _ids(after, "product") == [1, 2]
    assert after["visit"] == [] and len(after["order_item"]) == 3
    assert {o["customer_id"] for o in after["orders"]} == {None}


def test_rows_without_a_primary_key_found_through_a_reference_are_erased_exactly(
    db: Session, keyring: Keyring, clock: FixedClock, shop: Shop, tmp_path: Path
) -> None:
    # Order lines that say something of the person (a gift message) are theirs to erase: by
    # the reference that found them, since they have no key.
    dataset = shop.folder / "shop.fides.yml"
    dataset.write_text(
        dataset.read_text().replace(
            "- {name: quantity, data_categories: [system.operations]}",
            "- {name: quantity, data_categories: [user.behavior.purchase_history]}",
        )
    )
    shop.loaded = load_policy(shop.loaded.path)
    request = _erase(db, keyring, clock, shop, tmp_path, ALICE)

    after = shop.snapshot()
    assert request.state == RequestState.AWAITING_REVIEW
    assert [i["order_id"] for i in after["order_item"]] == [20]  # Bob's line stays
    # Nothing of Alice's points to her orders any more: they go, and the address only they used.
    assert _ids(after, "orders") == [20]
    assert _ids(after, "address") == [1, 2, 4]
    assert _ids(after, "product") == [1, 2]


def test_a_record_reached_only_through_a_shared_one_is_never_erased(shop: Shop) -> None:
    # E.g. a member of staff's address, reached through the staff record a customer's request
    # names: not the customer's, whoever else points to it.
    record = FoundRecord("shop", "address", (4,), {"id": 4, "street": "Staff Row"}, {}, via=BEYOND)
    [decision] = plan_erasure(policy=shop.loaded.policy, records=[record], today=date(2026, 3, 2))
    assert (decision.outcome, decision.ground) == (ItemOutcome.KEPT, "not_the_persons")
