"""telecoms-05: recipients are payment processing, couriers and postal services, and mailing
houses: each listed with its service and contract, and used by the activity that needs it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scenarios.product import Deployed, value_of

from dataward.examples import known_people
from dataward.examples.contents import GeneratedExample, build_example
from dataward.notice.build import build_notice
from dataward.ropa.recipients import list_recipients

PROMISED = {
    "payment processor": ("Paylane Payments Ltd", "Payments"),
    "courier": ("Swiftparcel Couriers Ltd", "Deliveries"),
    "postal service": ("Albion Post Ltd", "Deliveries"),
    "mailing house": ("Printfold Mailing House Ltd", "Marketing"),
}


@pytest.fixture(scope="module")
def telecoms(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("telecoms", tmp_path_factory.mktemp("telecoms"), people=40)


def test_telecoms_05_each_kind_of_recipient_is_listed_and_used(telecoms: GeneratedExample) -> None:
    listed = {r.name: r for r in list_recipients(telecoms.policy, on=date(2026, 3, 2))}
    for category, (name, activity) in PROMISED.items():
        entry = listed[name]
        assert entry.category == category
        assert entry.role == "processor" and entry.country == "GB"
        assert entry.contract_signed_on is not None and entry.vetted_on is not None
        assert activity in entry.activities, (name, entry.activities)
        assert entry.attention == [], (name, entry.attention)
    told = {r.name: r.category for r in build_notice(telecoms.loaded).recipients}
    assert {told[name] for name, _ in PROMISED.values()} == set(PROMISED)


def test_telecoms_05_orders_name_the_courier_or_postal_service_that_delivers_them(
    tmp_path: Path,
) -> None:
    telecoms = Deployed("telecoms", tmp_path, people=20)
    priya = known_people("telecoms")["priya"]  # 2 orders delivered by courier
    orders = telecoms.returned(priya.email, "billing", "orders")
    held = [
        o
        for o in telecoms.rows("billing", "orders")
        if o["id"] in {value_of(r, "id") for r in orders}
    ]
    assert len(orders) == len(held) == 2
    couriers = {value_of(o, "courier") for o in orders}
    assert couriers == {o["courier"] for o in held}
    # The package says who receives delivery details: the couriers the orders name among them.
    (deliveries,) = [
        r
        for r in telecoms.held_for(priya.email, "billing", "orders")
        if r["activity"] == "Deliveries"
    ]
    named = {name.removesuffix(" Ltd") for name in deliveries["recipients"]}
    assert couriers <= named
    assert {PROMISED["courier"][0], PROMISED["postal service"][0]} <= set(deliveries["recipients"])
