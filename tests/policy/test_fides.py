"""A system's dataset read from a Fides dataset file, with problems placed in that file."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from dataward.core.errors import PolicyError
from dataward.policy.service import check_policy, load_policy

from .policy_samples import briefs, write_policy

POLICY = """\
activities:
  - name: Orders
    purpose: essential.service.payment_processing
    lawful_basis: contract
    subjects: [customer]
    categories: [user.contact.email, user.contact.address]
    systems: [shop, warehouse]
    retention: six-years
retention:
  six-years: {period: 6 years, after: placed_on, reason: HMRC requires six years}
systems:
  - name: shop
    connector: sql
    connection: {url_env: SHOP_URL}
    dataset_file: datasets/shop.fides.yml
  - name: warehouse
    connector: sql
    connection: {url_env: WAREHOUSE_URL}
    dataset_file: datasets/warehouse.fides.yml
"""

SHOP = """\
dataset:
  - fides_key: shop_db
    name: Shop database
    description: The web shop's PostgreSQL database
    collections:
      - name: customer
        fields:
          - name: id
            data_categories: [user.unique_id]
            fides_meta:
              primary_key: true
          - name: email
            data_categories: [user.contact.email]
            fides_meta:
              identity: email
              data_type: string
          - name: address
            data_categories: [user.contact.address]
            fields:
              - name: street
              - name: postcode
                data_categories: [user.contact.address.postal_code]
          - name: phone
            data_categories: [user.contact.phone_number]
            fides_meta:
              masking_strategy_override:
                strategy: string_rewrite
                configuration: {rewrite_value: "withheld"}
      - name: orders
        data_categories: [system.operations]
        fields:
          - name: id
            fidesops_meta:
              primary_key: true
          - name: customer_id
            fides_meta:
              references:
                - dataset: shop_db
                  field: customer.id
                  direction: from
          - name: placed_on
"""

WAREHOUSE = """\
dataset:
  - fides_key: warehouse_db
    collections:
      - name: parcels
        fields:
          - name: id
            fides_meta: {primary_key: true}
          - name: order_id
            fides_meta:
              references:
                - {dataset: shop_db, field: orders.id, direction: from}
          - name: placed_on
            data_categories: [system.operations]
"""


def _write(tmp_path: Path, shop: str = SHOP, warehouse: str = WAREHOUSE) -> Path:
    folder = tmp_path / "datasets"
    folder.mkdir(exist_ok=True)
    (folder / "shop.fides.yml").write_text(textwrap.dedent(shop), encoding="utf-8")
    (folder / "warehouse.fides.yml").write_text(textwrap.dedent(warehouse), encoding="utf-8")
    return write_policy(tmp_path, POLICY)


def test_a_fides_dataset_becomes_the_systems_dataset(tmp_path: Path) -> None:
    loaded = load_policy(_write(tmp_path))
    shop = loaded.policy.system("shop")
    assert shop is not None and shop.dataset is not None
    assert [c.name for c in shop.dataset.collections] == ["customer", "orders"]
    customer = shop.dataset.collections[0]
    assert customer.primary_key == ["id"]
    email = customer.field("email")
    assert email is not None
    assert (email.identity, email.data_type, email.categories) == (
        "email",
        "string",
        ["user.contact.email"],
    )
    phone = customer.field("phone")
    assert phone is not None and (phone.erase, phone.mask) == ("mask", "withheld")
    assert loaded.warnings == ()


def test_nested_fields_are_flattened_and_inherit_their_parents_categories(
    tmp_path: Path,
) -> None:
    shop = load_policy(_write(tmp_path)).policy.system("shop")
    assert shop is not None and shop.dataset is not None
    customer = shop.dataset.collections[0]
    assert [f.name for f in customer.fields] == [
        "id",
        "email",
        "address.street",
        "address.postcode",
        "phone",
    ]
    street, postcode = customer.field("address.street"), customer.field("address.postcode")
    assert street is not None and street.categories == ["user.contact.address"]
    assert postcode is not None and postcode.categories == ["user.contact.address.postal_code"]


def test_collection_categories_apply_to_fields_without_their_own(tmp_path: Path) -> None:
    shop = load_policy(_write(tmp_path)).policy.system("shop")
    assert shop is not None and shop.dataset is not None
    orders = shop.dataset.collections[1]
    assert [f.categories for f in orders.fields] == [["system.operations"]] * 3
    assert orders.primary_key == ["id"]  # read from the older fidesops_meta


def test_references_name_our_collections_and_other_systems(tmp_path: Path) -> None:
    policy = load_policy(_write(tmp_path)).policy
    shop, warehouse = policy.system("shop"), policy.system("warehouse")
    assert shop is not None and shop.dataset is not None
    assert warehouse is not None and warehouse.dataset is not None
    reference = shop.dataset.collections[1].fields[1].references[0]
    assert (reference.to, reference.direction) == ("customer.id", "from")
    across = warehouse.dataset.collections[0].fields[1].references[0]
    assert across.to == "shop.orders.id"


def test_the_loaded_policy_names_its_dataset_files_and_its_digest_covers_them(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path)
    loaded = load_policy(path)
    assert loaded.dataset_files == {
        "shop": (tmp_path / "datasets" / "shop.fides.yml").resolve(),
        "warehouse": (tmp_path / "datasets" / "warehouse.fides.yml").resolve(),
    }
    changed = load_policy(_write(tmp_path, warehouse=WAREHOUSE.replace("parcels", "boxes")))
    assert changed.digest != loaded.digest
    assert load_policy(path).digest == changed.digest


def test_a_problem_in_the_dataset_file_is_placed_in_that_file(tmp_path: Path) -> None:
    path = _write(tmp_path, shop=SHOP.replace("[user.contact.email]", "[user.contact.emial]"))
    problems = [p for p in check_policy(path).problems if p.severity == "error"]
    assert [p.file for p in problems] == [str(tmp_path / "datasets" / "shop.fides.yml")]
    assert briefs(problems) == [
        "13:31 systems[0].dataset.collections[0].fields[1].categories[0]: unknown data "
        "category 'user.contact.emial'"
    ]


def test_a_dangling_fides_reference_is_placed_in_the_dataset_file(tmp_path: Path) -> None:
    path = _write(tmp_path, warehouse=WAREHOUSE.replace("field: orders.id", "field: order.id"))
    problems = check_policy(path).problems
    assert [p.file for p in problems] == [str(tmp_path / "datasets" / "warehouse.fides.yml")]
    assert briefs(problems) == [
        "11:45 systems[1].dataset.collections[0].fields[1].references[0].to: "
        "'shop.order.id': system 'shop' has no collection 'order'"
    ]


def test_a_fides_schema_error_is_reported_in_the_dataset_file(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        warehouse=WAREHOUSE.replace(
            "          - name: placed_on\n", "          - nam: placed_on\n"
        ),
    )
    problems = check_policy(path).problems
    assert briefs(problems) == [
        "12:13 dataset[0].collections[0].fields[2]: missing required key 'name'"
    ]
    assert problems[0].file.endswith("warehouse.fides.yml")


def test_a_missing_dataset_file_is_an_error_at_its_key(tmp_path: Path) -> None:
    path = write_policy(tmp_path, POLICY)
    with pytest.raises(PolicyError) as raised:
        load_policy(path)
    assert briefs(raised.value.problems) == [
        "15:19 systems[0].dataset_file: dataset file 'datasets/shop.fides.yml' does not exist",
        "19:19 systems[1].dataset_file: dataset file 'datasets/warehouse.fides.yml' does not exist",
    ]


def test_a_file_that_is_not_a_fides_dataset_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, shop="collections: []\n")
    assert briefs(check_policy(path).problems) == [
        "1:1 : not a Fides dataset file: expected a top-level `dataset:` list"
    ]


def test_a_yaml_error_in_the_dataset_file_is_reported_there(tmp_path: Path) -> None:
    path = _write(tmp_path, shop="dataset:\n  - fides_key: x\n   collections: []\n")
    [problem] = check_policy(path).problems
    assert (problem.file, problem.line) == (str(tmp_path / "datasets" / "shop.fides.yml"), 3)
    assert problem.message.startswith("YAML syntax error")


def test_of_several_datasets_the_one_keyed_like_the_system_is_used(tmp_path: Path) -> None:
    several = WAREHOUSE + (
        "  - fides_key: warehouse\n"
        "    collections:\n"
        "      - name: bins\n"
        "        fields: [{name: id, fides_meta: {primary_key: true}}]\n"
    )
    loaded = load_policy(_write(tmp_path, warehouse=several))
    warehouse = loaded.policy.system("warehouse")
    assert warehouse is not None and warehouse.dataset is not None
    assert [c.name for c in warehouse.dataset.collections] == ["bins"]
    ambiguous = several.replace("fides_key: warehouse\n", "fides_key: stock\n")
    assert briefs(check_policy(_write(tmp_path, warehouse=ambiguous)).problems) == [
        "19:19 systems[1].dataset_file: the file holds 2 datasets (warehouse_db, stock) and "
        "none is keyed 'warehouse'"
    ]


def test_a_system_may_not_have_both_a_dataset_and_a_dataset_file(tmp_path: Path) -> None:
    body = POLICY.replace(
        "    dataset_file: datasets/warehouse.fides.yml\n",
        "    dataset_file: datasets/warehouse.fides.yml\n"
        "    dataset: {collections: [{name: a, fields: [{name: id}]}]}\n",
    )
    _write(tmp_path)
    path = write_policy(tmp_path, body)
    assert briefs(check_policy(path).problems, "error") == [
        "16:5 systems[1]: give either `dataset` or `dataset_file`, not both"
    ]
