"""The Art 13/14 checklist is read off the notice structure, and fails when an element is absent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dataward.notice.build import build_notice
from dataward.notice.check import CHECKS, Status, check_notice, complete
from dataward.notice.structure import Dpo, Notice, NoticeRecipient
from dataward.policy.service import load_policy

from .support import (
    FIXTURE,
    activity,
    cli_runner,
    policy_data,
    recipient,
    variant,
    write_policy,
)

RULES_KEYS = [
    "controller_identity",
    "dpo_contact",
    "purposes",
    "lawful_basis",
    "legitimate_interests",
    "categories",
    "recipients",
    "transfers_and_safeguards",
    "retention",
    "rights",
    "withdraw_consent",
    "complaint_to_ico",
    "source",
    "statutory_or_contractual_requirement",
    "automated_decision_making",
]


def statuses(notice: Notice) -> dict[str, Status]:
    return {item.key: item.status for item in check_notice(notice)}


def details(notice: Notice) -> dict[str, str]:
    return {item.key: item.detail for item in check_notice(notice)}


@pytest.fixture(scope="module")
def notice() -> Notice:
    return build_notice(load_policy(FIXTURE))


def test_checklist_has_every_key_of_rules_section_2_in_order() -> None:
    assert [key for key, *_ in CHECKS] == RULES_KEYS


def test_fixture_notice_is_complete_with_dpo_not_applicable(notice: Notice) -> None:
    found = statuses(notice)
    assert complete(check_notice(notice))
    assert found["dpo_contact"] == Status.NOT_APPLICABLE
    assert all(status == Status.PRESENT for key, status in found.items() if key != "dpo_contact")


def test_appointed_dpo_counts_as_present(notice: Notice) -> None:
    with_dpo = notice.model_copy(
        update={"dpo": Dpo(name="A Person", email="dpo@x.example", phone=None)}
    )
    assert statuses(with_dpo)["dpo_contact"] == Status.PRESENT


def test_missing_retention_is_reported_by_activity(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        marketing = activity(data, "Marketing emails")
        del marketing["retention_text"], marketing["retention"]
        del data["systems"][2]["dataset"]["collections"][0]["retention"]

    items = check_notice(build_notice(variant(tmp_path, change)))
    retention = next(i for i in items if i.key == "retention")
    assert retention.status == Status.MISSING
    assert "'Marketing emails'" in retention.detail
    assert not complete(items)


def test_unnamed_legitimate_interest_is_missing(notice: Notice) -> None:
    purposes = [
        p.model_copy(update={"legitimate_interest": None}) if p.activity == "Recruitment" else p
        for p in notice.purposes
    ]
    changed = notice.model_copy(update={"purposes": purposes})
    assert statuses(changed)["legitimate_interests"] == Status.MISSING
    assert "'Recruitment'" in details(changed)["legitimate_interests"]


def test_no_legitimate_interests_makes_that_item_not_applicable(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        for name in ("Call recording", "Recruitment"):
            item = activity(data, name)
            item["lawful_basis"] = "contract"
            del item["legitimate_interest"], item["lia"]

    assert statuses(build_notice(variant(tmp_path, change)))["legitimate_interests"] == (
        Status.NOT_APPLICABLE
    )


def test_transfer_to_a_country_without_adequacy_and_no_safeguard_is_missing(
    tmp_path: Path,
) -> None:
    def change(data: dict[str, Any]) -> None:
        remote = recipient(data, "RemoteDesk Inc")
        remote["country"] = "IN"
        del remote["transfer_safeguard"], remote["dpf_checked_on"]

    notice = build_notice(variant(tmp_path, change))
    assert statuses(notice)["transfers_and_safeguards"] == Status.MISSING
    assert "RemoteDesk Inc (India)" in details(notice)["transfers_and_safeguards"]


def test_everything_in_the_uk_makes_transfers_not_applicable(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        for item in data["recipients"]:
            item["country"] = "GB"
            item.pop("transfer_safeguard", None)
            item.pop("dpf_checked_on", None)
        data["systems"][1]["location"] = "GB"

    assert statuses(build_notice(variant(tmp_path, change)))["transfers_and_safeguards"] == (
        Status.NOT_APPLICABLE
    )


def test_special_category_data_without_an_art9_condition_fails_lawful_basis(
    tmp_path: Path,
) -> None:
    def change(data: dict[str, Any]) -> None:
        activity(data, "Recruitment")["categories"].append("user.health_and_medical")
        data["systems"][3]["dataset"]["collections"][0]["fields"].append(
            {"name": "health", "categories": ["user.health_and_medical"]}
        )

    notice = build_notice(variant(tmp_path, change))
    assert statuses(notice)["lawful_basis"] == Status.MISSING
    assert "Art 9" in details(notice)["lawful_basis"]


def test_requirement_unsaid_for_a_legal_obligation_is_missing(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        activity(data, "Card payments")["lawful_basis"] = "legal_obligation"

    notice = build_notice(variant(tmp_path, change))
    assert statuses(notice)["statutory_or_contractual_requirement"] == Status.MISSING
    assert "'Card payments'" in details(notice)["statutory_or_contractual_requirement"]


def test_requirement_for_legitimate_interests_follows_from_the_basis(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        del activity(data, "Call recording")["requirement"]

    notice = build_notice(variant(tmp_path, change))
    recording = notice.purpose("Call recording")
    assert recording is not None
    assert recording.requirement == (
        "You do not have to give us this information, but without it we may not be able to "
        "check the quality of our support and resolve disagreements about what was said."
    )
    assert statuses(notice)["statutory_or_contractual_requirement"] == Status.PRESENT


def test_source_and_art14_categories_are_not_applicable_when_all_data_comes_from_the_person(
    tmp_path: Path,
) -> None:
    def change(data: dict[str, Any]) -> None:
        activity(data, "Recruitment")["source"] = "the person"

    found = statuses(build_notice(variant(tmp_path, change)))
    assert found["source"] == Status.NOT_APPLICABLE
    # Categories are still listed for every purpose, so they are present, not required.
    assert found["categories"] == Status.PRESENT


def test_no_consent_makes_withdrawal_not_applicable_but_its_absence_is_missing(
    notice: Notice,
) -> None:
    assert (
        statuses(notice.model_copy(update={"withdraw_consent": None}))["withdraw_consent"]
        == Status.MISSING
    )


def test_a_recipient_the_map_does_not_describe_is_missing(notice: Notice) -> None:
    unknown = NoticeRecipient(
        name="Mystery Ltd", service=None, role=None, category=None, country_name=None, activities=[]
    )
    changed = notice.model_copy(update={"recipients": [*notice.recipients, unknown]})
    assert statuses(changed)["recipients"] == Status.MISSING
    assert "'Mystery Ltd'" in details(changed)["recipients"]
    assert statuses(notice.model_copy(update={"recipients": []}))["recipients"] == (
        Status.NOT_APPLICABLE
    )


def test_rights_missing_from_the_notice_are_named(notice: Notice) -> None:
    without = notice.model_copy(
        update={"rights": [r for r in notice.rights if r.key not in ("erasure", "portability")]}
    )
    assert statuses(without)["rights"] == Status.MISSING
    assert details(without)["rights"].endswith("erasure and portability")


def test_blank_controller_address_and_silent_adm_are_missing(notice: Notice) -> None:
    changed = notice.model_copy(
        update={
            "controller": notice.controller.model_copy(update={"registered_office": " "}),
            "automated_decision_making": "",
        }
    )
    found = statuses(changed)
    assert found["controller_identity"] == Status.MISSING
    assert found["automated_decision_making"] == Status.MISSING


def test_notice_check_command_passes_the_fixture_and_prints_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = cli_runner(tmp_path / "home", monkeypatch)
    result = run("notice", "check", str(FIXTURE), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["complete"] is True
    assert [item["key"] for item in report["items"]] == RULES_KEYS


def test_notice_check_command_exits_1_naming_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = policy_data()
    activity(data, "Card payments")["lawful_basis"] = "legal_obligation"
    path = write_policy(tmp_path / "policy", data)
    run = cli_runner(tmp_path / "home", monkeypatch)
    result = run("notice", "check", str(path))
    assert result.exit_code == 1
    assert "MISS statutory_or_contractual_requirement" in result.output
    assert "1 required element(s) missing" in result.output
