"""A retention rule's date field and `where` fields must exist in each collection that uses it."""

from __future__ import annotations

from pathlib import Path

from .policy_samples import CLEAN, briefs, problems_in

# Tickets belong to customers; the 6-year clock runs from the customer's relationship end.
RELATED = """\
activities:
  - name: Support
    purpose: essential.service.operations.support
    lawful_basis: contract
    subjects: [customer]
    categories: [user.contact.email]
    systems: [crm]
    retention: after-relationship
retention:
  after-relationship:
    period: 6 years
    after: customers.relationship_ended_on
    where: status = 'closed'
    reason: limitation period for claims
systems:
  - name: crm
    connector: sql
    connection: {url_env: CRM_URL}
    dataset:
      collections:
        - name: customers
          fields:
            - {name: id, primary_key: true}
            - {name: email, categories: [user.contact.email], identity: email}
            - {name: relationship_ended_on}
        - name: tickets
          retention: after-relationship
          fields:
            - {name: id, primary_key: true}
            - {name: customer_id, references: [{to: customers.id}]}
            - {name: status}
"""


def _errors(tmp_path: Path, body: str) -> list[str]:
    return briefs(problems_in(tmp_path, body), "error")


def test_the_date_field_must_exist_in_the_collection(tmp_path: Path) -> None:
    body = CLEAN.replace("after: closed_on", "after: closed_at")
    problems = problems_in(tmp_path, body)
    assert briefs(problems) == [
        "18:22 systems[0].dataset.collections[0].retention: the retention date 'closed_at' is "
        "not a field of collection 'customers'"
    ]
    assert problems[0].fix == "did you mean `closed_on`?"


def test_a_collection_may_name_its_own_date_field(tmp_path: Path) -> None:
    body = CLEAN.replace("after: closed_on", "after: ended_on").replace(
        "          retention: six-years\n",
        "          retention: six-years\n          retention_after: closed_on\n",
    )
    assert problems_in(tmp_path, body) == []
    wrong = body.replace("retention_after: closed_on", "retention_after: closed")
    assert _errors(tmp_path, wrong) == [
        "19:28 systems[0].dataset.collections[0].retention_after: the retention date 'closed' "
        "is not a field of collection 'customers'"
    ]


def test_a_date_in_a_related_collection_is_accepted_when_a_reference_joins_them(
    tmp_path: Path,
) -> None:
    assert problems_in(tmp_path, RELATED) == []


def test_a_related_date_needs_a_reference_between_the_collections(tmp_path: Path) -> None:
    body = RELATED.replace(
        "{name: customer_id, references: [{to: customers.id}]}", "{name: customer_id}"
    )
    problems = problems_in(tmp_path, body)
    assert briefs(problems) == [
        "27:22 systems[0].dataset.collections[1].retention: the retention date "
        "'customers.relationship_ended_on' is in collection 'customers', but no reference joins "
        "it to 'tickets'"
    ]
    assert problems[0].fix == (
        "declare the field of 'tickets' that holds 'customers''s key with "
        "`references: [{to: customers.<key field>}]`"
    )


def test_a_related_date_must_name_an_existing_field(tmp_path: Path) -> None:
    body = RELATED.replace("after: customers.relationship_ended_on", "after: customers.ended_on")
    problems = problems_in(tmp_path, body)
    assert briefs(problems) == [
        "27:22 systems[0].dataset.collections[1].retention: the retention date "
        "'customers.ended_on': collection 'customers' has no field 'ended_on'"
    ]


def test_a_related_date_must_name_an_existing_collection(tmp_path: Path) -> None:
    body = RELATED.replace("after: customers.relationship_ended_on", "after: clients.ended_on")
    assert _errors(tmp_path, body) == [
        "27:22 systems[0].dataset.collections[1].retention: the retention date 'clients.ended_on' "
        "is not a field of collection 'tickets'"
    ]


def test_where_fields_must_exist_in_the_collection_or_the_related_one(tmp_path: Path) -> None:
    assert problems_in(tmp_path, RELATED.replace("status = 'closed'", "email != 'x'")) == []
    assert problems_in(tmp_path, RELATED.replace("status = 'closed'", "tickets.status = 'x'")) == []
    body = RELATED.replace("status = 'closed'", "state = 'closed'")
    problems = problems_in(tmp_path, body)
    assert briefs(problems) == [
        "27:22 systems[0].dataset.collections[1].retention: the retention rule's `where` uses "
        "'state', which collection 'tickets' does not have"
    ]
    assert problems[0].fix == "did you mean `status`?"


def test_each_collection_using_a_shared_rule_is_checked(tmp_path: Path) -> None:
    body = CLEAN.replace(
        "            - {name: closed_on}\n",
        "            - {name: closed_on}\n"
        "        - name: orders\n"
        "          retention: six-years\n"
        "          fields:\n"
        "            - {name: id, primary_key: true}\n"
        "            - {name: placed_on}\n",
    )
    assert _errors(tmp_path, body) == [
        "24:22 systems[0].dataset.collections[1].retention: the retention date 'closed_on' is "
        "not a field of collection 'orders'"
    ]


def test_exemption_conditions_must_name_fields_of_the_collection(tmp_path: Path) -> None:
    body = CLEAN.replace(
        "          retention: six-years\n",
        "          retention: six-years\n"
        "          exemption: {ground: legal_claims, reason: open claim, where: disputed = true}\n",
    )
    assert _errors(tmp_path, body) == [
        "19:72 systems[0].dataset.collections[0].exemption.where: collection 'customers' has "
        "no field 'disputed'"
    ]
    fixed = body.replace("{name: closed_on}", "{name: closed_on}\n            - {name: disputed}")
    assert problems_in(tmp_path, fixed) == []


def test_retention_after_without_a_rule_is_a_warning(tmp_path: Path) -> None:
    body = CLEAN.replace(
        "          retention: six-years\n", "          retention_after: closed_on\n"
    )
    assert briefs(problems_in(tmp_path, body), "warning") == [
        "18:28 systems[0].dataset.collections[0].retention_after: retention_after has no effect "
        "without a retention rule"
    ]


def test_a_collection_may_name_its_own_date_with_its_own_name_in_front(tmp_path: Path) -> None:
    # The customers' own rows count from `customers.relationship_ended_on` too: one rule for
    # the customer and everything that belongs to them.
    body = RELATED.replace("    where: status = 'closed'\n", "").replace(
        "        - name: customers\n          fields:",
        "        - name: customers\n          retention: after-relationship\n          fields:",
    )
    assert problems_in(tmp_path, body) == []
