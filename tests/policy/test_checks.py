"""Errors of meaning: taxonomy keys, duplicate names, dangling references, connector kinds."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from dataward.policy.checker import connector_kinds

from .policy_samples import CLEAN, briefs, problems_in

SECOND_SYSTEM = """\
  - name: billing
    connector: sql
    connection: {url_env: BILLING_URL}
    dataset:
      collections:
        - name: invoices
          fields:
            - {name: id, primary_key: true}
            - {name: customer_id, references: [{to: crm.customers.id}]}
"""


def _errors(tmp_path: Path, body: str) -> list[str]:
    return briefs(problems_in(tmp_path, body), "error")


def _fixes(tmp_path: Path, body: str) -> list[str | None]:
    return [p.fix for p in problems_in(tmp_path, body) if p.severity == "error"]


def test_an_unknown_data_use_suggests_the_nearest(tmp_path: Path) -> None:
    body = CLEAN.replace("essential.service.operations.support", "essential.service.operation")
    assert _errors(tmp_path, body) == [
        "3:14 activities[0].purpose: unknown data use 'essential.service.operation'"
    ]
    assert _fixes(tmp_path, body) == ["did you mean `essential.service.operations`?"]


def test_unknown_categories_and_subjects_are_placed_at_the_list_item(tmp_path: Path) -> None:
    body = CLEAN.replace("subjects: [customer]", "subjects: [customer, prospcet]").replace(
        "categories: [user.contact.email]", "categories: [user.contact.email, user.nme]", 1
    )
    assert _errors(tmp_path, body) == [
        "5:26 activities[0].subjects[1]: unknown data subject 'prospcet'",
        "6:38 activities[0].categories[1]: unknown data category 'user.nme'",
    ]
    assert _fixes(tmp_path, body) == ["did you mean `prospect`?", "did you mean `user.name`?"]


def test_an_unknown_category_on_a_dataset_field_is_an_error(tmp_path: Path) -> None:
    body = CLEAN.replace("{name: closed_on}", "{name: closed_on, categories: [sytem.operations]}")
    assert _errors(tmp_path, body) == [
        "22:46 systems[0].dataset.collections[0].fields[2].categories[0]: "
        "unknown data category 'sytem.operations'"
    ]


def test_an_unknown_subject_on_a_channel_is_an_error(tmp_path: Path) -> None:
    body = CLEAN + "channels:\n  news: {kind: marketing, media: [email], subjects: [custmer]}\n"
    assert _errors(tmp_path, body) == [
        "24:54 channels.news.subjects[0]: unknown data subject 'custmer'"
    ]


def test_two_activities_with_one_name_are_an_error_at_the_second(tmp_path: Path) -> None:
    second = CLEAN.split("retention:\n", 1)[0].replace("activities:\n", "")
    body = CLEAN.replace("retention:\n  six-years", second + "retention:\n  six-years", 1)
    assert _errors(tmp_path, body) == [
        "9:11 activities[1].name: another activity is already named 'Support' (line 2)"
    ]


def test_duplicate_recipients_collections_and_fields_are_errors(tmp_path: Path) -> None:
    body = CLEAN.replace(
        "            - {name: closed_on}\n",
        "            - {name: closed_on}\n"
        "            - {name: email}\n"
        "        - name: customers\n"
        "          fields: [{name: id, primary_key: true}]\n",
    ) + (
        "recipients:\n"
        "  - {name: Mailer, service: email, country: GB, role: controller}\n"
        "  - {name: Mailer, service: post, country: GB, role: controller}\n"
    )
    assert _errors(tmp_path, body) == [
        "23:22 systems[0].dataset.collections[0].fields[3].name: another field of collection "
        "'customers' is already named 'email' (line 21)",
        "24:17 systems[0].dataset.collections[1].name: another collection of system 'crm' is "
        "already named 'customers' (line 17)",
        "28:12 recipients[1].name: another recipient is already named 'Mailer' (line 27)",
    ]


def test_duplicate_system_names_are_an_error(tmp_path: Path) -> None:
    body = CLEAN + SECOND_SYSTEM.replace("name: billing", "name: crm").replace(
        "crm.customers.id", "customers.id"
    )
    errors = _errors(tmp_path, body)
    assert errors[0] == "23:11 systems[1].name: another system is already named 'crm' (line 12)"


def test_an_activity_must_name_defined_systems_recipients_channels_and_rules(
    tmp_path: Path,
) -> None:
    body = CLEAN.replace("systems: [crm]", "systems: [crm, crn]\n    recipients: [Mailer]").replace(
        "retention: six-years\nretention:", "retention: six-yrs\n    channels: [news]\nretention:"
    )
    assert _errors(tmp_path, body) == [
        "7:20 activities[0].systems[1]: no system named 'crn'",
        "8:18 activities[0].recipients[0]: no recipient named 'Mailer'",
        "9:16 activities[0].retention: no retention rule named 'six-yrs'",
        "10:16 activities[0].channels[0]: no channel named 'news'",
    ]
    assert _fixes(tmp_path, body) == [
        "did you mean `crm`?",
        "define it under `recipients:`",
        "did you mean `six-years`?",
        "define it under `channels:`",
    ]


def test_a_collection_must_name_a_defined_rule_and_exemption_rule(tmp_path: Path) -> None:
    body = CLEAN.replace(
        "          retention: six-years\n",
        "          retention: six-year\n"
        "          exemption: {ground: legal_obligation, reason: HMRC, until: seven-years}\n",
    )
    assert _errors(tmp_path, body) == [
        "18:22 systems[0].dataset.collections[0].retention: no retention rule named 'six-year'",
        "19:70 systems[0].dataset.collections[0].exemption.until: "
        "no retention rule named 'seven-years'",
    ]


def test_a_system_processor_must_be_a_recipient(tmp_path: Path) -> None:
    body = CLEAN.replace("    connector: sql\n", "    connector: sql\n    processor: Hostco\n")
    assert _errors(tmp_path, body) == ["14:16 systems[0].processor: no recipient named 'Hostco'"]
    with_recipient = body + (
        "recipients:\n"
        "  - {name: Hostco, service: hosting, country: GB, contract_signed_on: 2024-01-01,"
        " vetted_on: 2025-01-01}\n"
    )
    assert problems_in(tmp_path, with_recipient) == []


def test_a_reference_must_name_an_existing_collection_and_field(tmp_path: Path) -> None:
    body = CLEAN + SECOND_SYSTEM
    assert problems_in(tmp_path, body) == []
    wrong_field = CLEAN + SECOND_SYSTEM.replace("crm.customers.id", "crm.customers.ident")
    assert _errors(tmp_path, wrong_field) == [
        "31:53 systems[1].dataset.collections[0].fields[1].references[0].to: "
        "'crm.customers.ident': collection 'customers' has no field 'ident'"
    ]
    wrong_collection = CLEAN + SECOND_SYSTEM.replace("crm.customers.id", "crm.customer.id")
    assert _errors(tmp_path, wrong_collection) == [
        "31:53 systems[1].dataset.collections[0].fields[1].references[0].to: "
        "'crm.customer.id': system 'crm' has no collection 'customer'"
    ]
    assert _fixes(tmp_path, wrong_collection) == ["did you mean `customers`?"]
    unreadable = CLEAN + SECOND_SYSTEM.replace("crm.customers.id", "id")
    assert _errors(tmp_path, unreadable) == [
        "31:53 systems[1].dataset.collections[0].fields[1].references[0].to: "
        "cannot read reference 'id'"
    ]


def test_a_reference_within_the_same_system_names_collection_and_field(tmp_path: Path) -> None:
    body = CLEAN.replace(
        "            - {name: closed_on}\n",
        "            - {name: closed_on}\n"
        "        - name: notes\n"
        "          fields:\n"
        "            - {name: id, primary_key: true}\n"
        "            - {name: customer_id, references: [{to: customers.id}]}\n",
    )
    assert problems_in(tmp_path, body) == []
    dangling = body.replace("to: customers.id", "to: customers.uid")
    assert _errors(tmp_path, dangling) == [
        "26:53 systems[0].dataset.collections[1].fields[1].references[0].to: "
        "'customers.uid': collection 'customers' has no field 'uid'"
    ]


def test_references_that_loop_are_an_error(tmp_path: Path) -> None:
    body = CLEAN.replace(
        "            - {name: closed_on}\n",
        "            - {name: closed_on}\n"
        "            - {name: last_note_id, references: [{to: notes.id}]}\n"
        "        - name: notes\n"
        "          fields:\n"
        "            - {name: id, primary_key: true}\n"
        "            - {name: customer_id, references: [{to: customers.id}]}\n",
    )
    errors = _errors(tmp_path, body)
    assert errors == [
        "23:54 systems[0].dataset.collections[0].fields[3].references[0].to: "
        "references form a cycle among crm.customers and crm.notes"
    ]


def test_a_collection_referring_to_itself_is_a_cycle(tmp_path: Path) -> None:
    body = CLEAN.replace("{name: closed_on}", "{name: closed_on, references: [{to: customers.id}]}")
    assert _errors(tmp_path, body) == [
        "22:51 systems[0].dataset.collections[0].fields[2].references[0].to: "
        "collection crm.customers references itself"
    ]


def test_an_unknown_connector_kind_is_an_error(tmp_path: Path) -> None:
    body = CLEAN.replace("connector: sql", "connector: postgres")
    assert _errors(tmp_path, body) == [
        "13:16 systems[0].connector: unknown connector kind 'postgres'"
    ]


def test_the_known_connector_kinds_come_from_the_registry() -> None:
    registry = importlib.import_module("dataward.connectors.registry")
    assert connector_kinds() is registry.KINDS
    assert "sql" in connector_kinds()


def test_a_new_kind_is_checked_from_its_class_and_registry_line_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No kind is named in the checks: what a kind needs is read off its connector class."""
    registry = importlib.import_module("dataward.connectors.registry")

    class LedgerConnector(registry.KINDS["http"]):  # type: ignore[misc]  # a kind from the table
        connection_settings = ("ledger_token_env",)
        can_hash = True

    monkeypatch.setitem(registry.KINDS, "ledger", LedgerConnector)
    body = CLEAN.replace("connector: sql", "connector: ledger")
    assert briefs(problems_in(tmp_path, body), "warning") == [
        "14:17 systems[0].connection: a ledger connection needs one of: ledger_token_env"
    ]


def test_keyed_hashing_on_a_kind_that_cannot_hash_is_an_error(tmp_path: Path) -> None:
    body = CLEAN.replace("connector: sql", "connector: http").replace(
        "connection: {url_env: CRM_URL}", "connection: {base_url: 'https://crm.example'}"
    )
    body = body.replace("identity: email}", "identity: email, erase: hash}")
    errors = problems_in(tmp_path, body)
    assert briefs(errors, "error") == [
        "21:87 systems[0].dataset.collections[0].fields[1].erase: "
        "a http system cannot erase 'email' by keyed hash"
    ]
    assert (
        body.replace("connector: http", "connector: sql")
        and _errors(tmp_path, body.replace("connector: http", "connector: sql")) == []
    )


def test_a_connection_without_its_setting_is_a_warning(tmp_path: Path) -> None:
    body = CLEAN.replace("connection: {url_env: CRM_URL}", "connection: {connect_timeout: 5}")
    problems = problems_in(tmp_path, body)
    assert briefs(problems, "warning") == [
        "14:17 systems[0].connection: a sql connection needs one of: url_env, url"
    ]
    assert problems[0].fix == "e.g. `connection: {url_env: ...}`"


def test_a_system_without_a_dataset_is_a_warning(tmp_path: Path) -> None:
    body = CLEAN + "  - {name: phones, connector: sql, connection: {url_env: PHONES_URL}}\n"
    assert briefs(problems_in(tmp_path, body), "warning") == [
        "23:12 systems[1].name: system 'phones' declares no dataset, so nothing in it can be found"
    ]


def test_a_collection_with_identity_fields_and_no_primary_key_is_accepted(
    tmp_path: Path,
) -> None:
    # Fides accepts such collections (its sample shop's `visit`); SQL systems erase their rows
    # by the values that found them.
    body = CLEAN.replace("{name: id, primary_key: true}", "{name: id}")
    assert _errors(tmp_path, body) == []
    assert briefs(problems_in(tmp_path, body), "warning") == []


def test_a_reference_naming_neither_a_system_nor_a_collection_says_so(tmp_path: Path) -> None:
    body = CLEAN + SECOND_SYSTEM.replace("crm.customers.id", "crn.customers.id")
    problems = problems_in(tmp_path, body)
    assert briefs(problems) == [
        "31:53 systems[1].dataset.collections[0].fields[1].references[0].to: "
        "'crn.customers.id': no system, and no collection of 'billing', is named 'crn'"
    ]
    assert problems[0].fix == "did you mean `crm`?"
