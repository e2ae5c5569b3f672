"""An 11-table web shop in the shape of Fides' sample project, with records shared between people.

Alice and Bob are customers. Alice's home address (1) is also where Bob's order ships and Bob's
card is billed; address 3 is used only by one of Alice's orders. Products are the catalogue
(`system.operations` only). `order_item` and `visit` have no primary key, as in Fides' sample.
Both people asked the same member of staff for help (staff are found from their own records,
as in Fides' sample, so a customer's search does not reach them).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.policy.service import LoadedPolicy, load_policy
from dataward.rights import service
from dataward.rights.models import RequestKind, RightsRequest
from dataward.rights.schemas import RequesterIdentities

ALICE = "alice@shop.example"
BOB = "bob@shop.example"
STAFF = "sam@shop.example"


def shop_metadata() -> sa.MetaData:
    m = sa.MetaData()
    s, i = sa.String(200), sa.Integer
    sa.Table(
        "address",
        m,
        sa.Column("id", i, primary_key=True),
        *(sa.Column(n, s) for n in ("house", "street", "city", "state", "zip")),
    )
    sa.Table(
        "customer",
        m,
        sa.Column("id", i, primary_key=True),
        sa.Column("email", s),
        sa.Column("name", s),
        sa.Column("created", sa.Date),
        sa.Column("address_id", i, sa.ForeignKey("address.id")),
    )
    sa.Table(
        "employee",
        m,
        sa.Column("id", i, primary_key=True),
        sa.Column("email", s),
        sa.Column("name", s),
        sa.Column("address_id", i, sa.ForeignKey("address.id")),
    )
    sa.Table("product", m, sa.Column("id", i, primary_key=True), sa.Column("name", s))
    sa.Table(
        "orders",
        m,
        sa.Column("id", i, primary_key=True),
        sa.Column("customer_id", i, sa.ForeignKey("customer.id")),
        sa.Column("shipping_address_id", i, sa.ForeignKey("address.id")),
    )
    # No primary key, as in Fides' sample shop.
    sa.Table(
        "order_item",
        m,
        sa.Column("order_id", i, sa.ForeignKey("orders.id")),
        sa.Column("item_no", i),
        sa.Column("product_id", i, sa.ForeignKey("product.id")),
        sa.Column("quantity", i),
    )
    sa.Table(
        "payment_card",
        m,
        sa.Column("id", i, primary_key=True),
        sa.Column("name", s),
        sa.Column("ccn", s),
        sa.Column("billing_address_id", i, sa.ForeignKey("address.id")),
        sa.Column("customer_id", i, sa.ForeignKey("customer.id")),
    )
    sa.Table(
        "login",
        m,
        sa.Column("id", i, primary_key=True),
        sa.Column("customer_id", i, sa.ForeignKey("customer.id")),
        sa.Column("time", sa.Date),
    )
    sa.Table(
        "service_request",
        m,
        sa.Column("id", i, primary_key=True),
        sa.Column("email", s),
        sa.Column("opened", sa.Date),
        sa.Column("employee_id", i, sa.ForeignKey("employee.id")),
    )
    sa.Table(
        "report",
        m,
        sa.Column("id", i, primary_key=True),
        sa.Column("email", s),
        sa.Column("total_visits", i),
    )
    sa.Table("visit", m, sa.Column("email", s), sa.Column("last_visit", sa.Date))
    return m


def _address(n: int, street: str) -> dict[str, Any]:
    return {"id": n, "house": str(n), "street": street, "city": "Poole", "state": "", "zip": "BH1"}


D = date(2026, 1, 5)
ROWS: dict[str, list[dict[str, Any]]] = {
    "address": [
        _address(1, "Mill Lane"),
        _address(2, "Quay Road"),
        _address(3, "Dock Street"),
        _address(4, "Staff Row"),
    ],
    "customer": [
        {"id": 1, "email": ALICE, "name": "Alice Ash", "created": D, "address_id": 1},
        {"id": 2, "email": BOB, "name": "Bob Birch", "created": D, "address_id": 2},
    ],
    "employee": [{"id": 1, "email": STAFF, "name": "Sam Staff", "address_id": 4}],
    "product": [{"id": 1, "name": "Kettle"}, {"id": 2, "name": "Toaster"}],
    "orders": [
        {"id": 10, "customer_id": 1, "shipping_address_id": 3},
        {"id": 11, "customer_id": 1, "shipping_address_id": 1},
        {"id": 20, "customer_id": 2, "shipping_address_id": 1},
    ],
    "order_item": [
        {"order_id": 10, "item_no": 1, "product_id": 1, "quantity": 1},
        {"order_id": 11, "item_no": 1, "product_id": 2, "quantity": 2},
        {"order_id": 20, "item_no": 1, "product_id": 1, "quantity": 1},
    ],
    "payment_card": [
        {"id": 100, "name": "A Ash", "ccn": "4111", "billing_address_id": 1, "customer_id": 1},
        {"id": 200, "name": "B Birch", "ccn": "4222", "billing_address_id": 1, "customer_id": 2},
    ],
    "login": [
        {"id": 1000, "customer_id": 1, "time": D},
        {"id": 1001, "customer_id": 1, "time": D},
        {"id": 2000, "customer_id": 2, "time": D},
    ],
    "service_request": [
        {"id": 500, "email": ALICE, "opened": D, "employee_id": 1},
        {"id": 501, "email": BOB, "opened": D, "employee_id": 1},
    ],
    "report": [
        {"id": 1, "email": ALICE, "total_visits": 3},
        {"id": 2, "email": BOB, "total_visits": 1},
    ],
    "visit": [
        {"email": ALICE, "last_visit": D},
        {"email": ALICE, "last_visit": date(2026, 1, 6)},
        {"email": BOB, "last_visit": D},
    ],
}

# The Fides dataset, as Fides' sample project writes it (trimmed to these columns).
DATASET = textwrap.dedent(
    """\
    dataset:
      - fides_key: shop_db
        name: Shop database
        collections:
          - name: address
            fields:
              - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
              - {name: house, data_categories: [user.contact.address.street]}
              - {name: street, data_categories: [user.contact.address.street]}
              - {name: city, data_categories: [user.contact.address.city]}
              - {name: state, data_categories: [user.contact.address.state]}
              - {name: zip, data_categories: [user.contact.address.postal_code]}
          - name: customer
            fields:
              - {name: id, data_categories: [user.unique_id], fides_meta: {primary_key: true}}
              - name: email
                data_categories: [user.contact.email]
                fides_meta: {identity: email, data_type: string}
              - {name: name, data_categories: [user.name]}
              - {name: created, data_categories: [system.operations]}
              - name: address_id
                data_categories: [system.operations]
                fides_meta:
                  references: [{dataset: shop_db, field: address.id, direction: to}]
          - name: employee
            fields:
              - {name: id, data_categories: [user.unique_id], fides_meta: {primary_key: true}}
              - name: email
                data_categories: [user.contact.email]
                fides_meta: {identity: email, data_type: string}
              - {name: name, data_categories: [user.name]}
              - name: address_id
                data_categories: [system.operations]
                fides_meta:
                  references: [{dataset: shop_db, field: address.id, direction: to}]
          - name: product
            fields:
              - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
              - {name: name, data_categories: [system.operations]}
          - name: orders
            fields:
              - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
              - name: customer_id
                data_categories: [user.unique_id]
                fides_meta:
                  references: [{dataset: shop_db, field: customer.id, direction: from}]
              - name: shipping_address_id
                data_categories: [system.operations]
                fides_meta:
                  references: [{dataset: shop_db, field: address.id, direction: to}]
          - name: order_item
            fields:
              - name: order_id
                data_categories: [system.operations]
                fides_meta:
                  references: [{dataset: shop_db, field: orders.id, direction: from}]
              - {name: item_no, data_categories: [system.operations]}
              - name: product_id
                data_categories: [system.operations]
                fides_meta:
                  references: [{dataset: shop_db, field: product.id, direction: to}]
              - {name: quantity, data_categories: [system.operations]}
          - name: payment_card
            fields:
              - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
              - {name: name, data_categories: [user.financial]}
              - {name: ccn, data_categories: [user.financial.bank_account]}
              - name: billing_address_id
                data_categories: [system.operations]
                fides_meta:
                  references: [{dataset: shop_db, field: address.id, direction: to}]
              - name: customer_id
                data_categories: [user.unique_id]
                fides_meta:
                  references: [{dataset: shop_db, field: customer.id, direction: from}]
          - name: login
            fields:
              - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
              - name: customer_id
                data_categories: [user.unique_id]
                fides_meta:
                  references: [{dataset: shop_db, field: customer.id, direction: from}]
              - {name: time, data_categories: [user.sensor]}
          - name: service_request
            fields:
              - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
              - name: email
                data_categories: [user.contact.email]
                fides_meta: {identity: email, data_type: string}
              - {name: opened, data_categories: [system.operations]}
              - name: employee_id
                data_categories: [user.unique_id]
                fides_meta:
                  references: [{dataset: shop_db, field: employee.id, direction: from}]
          - name: report
            fields:
              - {name: id, data_categories: [system.operations], fides_meta: {primary_key: true}}
              - name: email
                data_categories: [user.contact.email]
                fides_meta: {identity: email, data_type: string}
              - {name: total_visits, data_categories: [system.operations]}
          - name: visit
            fields:
              - name: email
                data_categories: [user.contact.email]
                fides_meta: {identity: email, data_type: string}
              - {name: last_visit, data_categories: [system.operations]}
    """
)


def policy_document(url_env: str = "SHOP_URL") -> dict[str, Any]:
    return {
        "organisation": {
            "name": "Harbour Home Goods Ltd",
            "registered_office": "2 Quay Road, Poole BH15 1HJ",
            "privacy_contact": "privacy@shop.example",
        },
        "activities": [
            {
                "name": "Online orders",
                "purpose": "essential.service.payment_processing",
                "lawful_basis": "contract",
                "subjects": ["customer"],
                "categories": ["user.contact.email", "user.contact.address", "user.financial"],
                "systems": ["shop"],
            }
        ],
        "systems": [
            {
                "name": "shop",
                "connector": "sql",
                "connection": {"url_env": url_env},
                "dataset_file": "shop.fides.yml",
            }
        ],
    }


@dataclass
class Shop:
    folder: Path
    url: str
    engine: sa.Engine
    metadata: sa.MetaData
    loaded: LoadedPolicy

    @property
    def environ(self) -> dict[str, str]:
        return {"SHOP_URL": self.url}

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, in a stable order."""
        with self.engine.connect() as connection:
            return {
                table.name: sorted(
                    (dict(r) for r in connection.execute(sa.select(table)).mappings()),
                    key=repr,
                )
                for table in self.metadata.sorted_tables
            }

    def empty(self) -> None:
        with self.engine.begin() as connection:
            for table in reversed(self.metadata.sorted_tables):
                connection.execute(table.delete())

    def fill(self) -> None:
        with self.engine.begin() as connection:
            for table in self.metadata.sorted_tables:
                connection.execute(table.insert(), ROWS[table.name])


def build_shop(folder: Path, url: str, engine: sa.Engine) -> Shop:
    """Tables created (if missing), emptied and filled; the policy and dataset written."""
    folder.mkdir(parents=True, exist_ok=True)
    metadata = shop_metadata()
    metadata.create_all(engine)
    (folder / "shop.fides.yml").write_text(DATASET, encoding="utf-8")
    path = folder / "dataward.yaml"
    path.write_text(yaml.safe_dump(policy_document(), sort_keys=False), encoding="utf-8")
    shop = Shop(folder, url, engine, metadata, load_policy(path))
    shop.empty()
    shop.fill()
    return shop


def shop_request(
    session: Any,
    *,
    keyring: Keyring,
    clock: Clock,
    loaded: LoadedPolicy,
    kind: RequestKind,
    email: str,
) -> RightsRequest:
    """A request opened and verified by staff, as the direct commands do."""
    request = service.open_request(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="cli:olivia",
        kind=kind,
        identities=RequesterIdentities(email=email),
        policy=loaded,
    )
    service.verify_with_evidence(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor="cli:olivia",
        evidence="account login and order number checked",
    )
    session.commit()
    return request
