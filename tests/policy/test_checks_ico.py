"""Warnings for what the ICO would query. Each is proved present, and absent once fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from dataward.policy.checks_ico import is_restricted_transfer

from .policy_samples import CLEAN, briefs, problems_in

LIA = (
    "    legitimate_interest: keeping customers informed\n"
    "    lia: {purpose: p, necessity: n, balance: b, reviewed_by: DPO, reviewed_on: 2025-01-01}\n"
)


def _activity(**changes: str) -> str:
    """CLEAN with activity keys replaced (`lawful_basis="consent"`) or added (`extra=...`)."""
    body = CLEAN
    for key, value in changes.items():
        if key == "extra":
            body = body.replace(
                "    retention: six-years\n", f"    retention: six-years\n{value}", 1
            )
        else:
            start = body.index(f"    {key}: ")
            end = body.index("\n", start)
            body = body[:start] + f"    {key}: {value}" + body[end:]
    return body


def _warnings(tmp_path: Path, body: str) -> list[str]:
    problems = problems_in(tmp_path, body)
    assert [p for p in problems if p.severity == "error"] == []
    return briefs(problems, "warning")


def _recipient(tmp_path: Path, fields: str, *, role: str = "controller") -> list[str]:
    body = CLEAN + f"recipients:\n  - {{name: R, service: s, role: {role}, {fields}}}\n"
    return _warnings(tmp_path, body)


def test_special_category_data_needs_an_art_9_condition(tmp_path: Path) -> None:
    body = _activity(categories="[user.contact.email, user.health_and_medical]")
    assert _warnings(tmp_path, body) == [
        "6:38 activities[0].categories[1]: 'user.health_and_medical' is special-category data "
        "but the activity names no Art 9 condition"
    ]
    fixed = _activity(
        categories="[user.contact.email, user.health_and_medical]",
        extra="    special_category_condition: a\n",
    )
    assert _warnings(tmp_path, fixed) == []


@pytest.mark.parametrize("condition", ["b", "g", "h", "i", "j"])
def test_some_art_9_conditions_also_need_a_schedule_1_condition(
    tmp_path: Path, condition: str
) -> None:
    body = _activity(
        categories="[user.contact.email, user.employment.medical]",
        extra=f"    special_category_condition: {condition}\n",
    )
    assert _warnings(tmp_path, body) == [
        f"9:33 activities[0].special_category_condition: Art 9(2)({condition}) also needs a "
        "DPA 2018 Schedule 1 condition"
    ]
    fixed = body.replace(
        f"condition: {condition}\n",
        f"condition: {condition}\n    schedule1_condition: Sch 1 Pt 1 para 1\n",
    )
    assert _warnings(tmp_path, fixed) == []


def test_criminal_offence_data_needs_an_art_10_condition(tmp_path: Path) -> None:
    body = _activity(categories="[user.contact.email, user.employment.criminal_record_check]")
    assert _warnings(tmp_path, body) == [
        "6:38 activities[0].categories[1]: 'user.employment.criminal_record_check' is "
        "criminal-offence data but the activity names no Art 10 condition"
    ]
    fixed = _activity(
        categories="[user.contact.email, user.employment.criminal_record_check]",
        extra="    criminal_offence_condition: Sch 1 Pt 1 para 1 (employment)\n",
    )
    assert _warnings(tmp_path, fixed) == []


def test_a_policy_defined_special_category_counts(tmp_path: Path) -> None:
    body = _activity(categories="[user.contact.email, user.content.wellbeing_notes]") + (
        "categories:\n"
        "  - {key: user.content.wellbeing_notes, parent: user.content, special: true}\n"
    )
    assert len(_warnings(tmp_path, body)) == 1


def test_legitimate_interests_need_an_assessment_and_a_stated_interest(tmp_path: Path) -> None:
    body = _activity(lawful_basis="legitimate_interests")
    assert _warnings(tmp_path, body) == [
        "4:19 activities[0].lawful_basis: legitimate interests without a recorded assessment",
        "4:19 activities[0].lawful_basis: the notice must say which legitimate interest is pursued",
    ]
    assert _warnings(tmp_path, _activity(lawful_basis="legitimate_interests", extra=LIA)) == []


def test_consent_needs_a_way_to_withdraw_it(tmp_path: Path) -> None:
    assert _warnings(tmp_path, _activity(lawful_basis="consent")) == [
        "4:19 activities[0].lawful_basis: consent is the basis, but the activity does not say "
        "how to withdraw it"
    ]
    fixed = _activity(lawful_basis="consent", extra="    consent_withdrawal: reply STOP\n")
    assert _warnings(tmp_path, fixed) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ("country: GB", []),
        ("country: IE", []),
        ("country: JP", []),
        ("country: CH, transfer_safeguard: adequacy", []),
        (
            "country: US",
            [
                "24:54 recipients[0].country: the USA is adequate only for organisations "
                "certified to the UK Extension of the Data Privacy Framework"
            ],
        ),
        (
            "country: US, transfer_safeguard: uk_dpf_extension",
            [
                "24:78 recipients[0].transfer_safeguard: the UK Extension to the Data Privacy "
                "Framework is claimed but not checked"
            ],
        ),
        ("country: US, transfer_safeguard: uk_dpf_extension, dpf_checked_on: 2026-01-05", []),
        (
            "country: IN, transfer_safeguard: adequacy",
            [
                "24:78 recipients[0].transfer_safeguard: IN has no UK adequacy regulations, so "
                "the transfer needs a safeguard"
            ],
        ),
        (
            "country: IN, transfer_safeguard: idta",
            [
                "24:78 recipients[0].transfer_safeguard: a transfer under idta needs a transfer "
                "risk assessment"
            ],
        ),
        ("country: IN, transfer_safeguard: idta, transfer_risk_assessment_on: 2025-06-01", []),
        (
            "country: US, transfer_safeguard: uk_addendum, transfer_risk_assessment_on: 2025-06-01",
            [],
        ),
        ("country: BR, transfer_safeguard: art49_exception", []),
        ("country: UK", ["24:54 recipients[0].country: 'UK' is not an ISO country code"]),
    ],
)
def test_transfers_outside_the_uk_need_adequacy_or_a_safeguard(
    tmp_path: Path, fields: str, expected: list[str]
) -> None:
    assert _recipient(tmp_path, fields) == expected


def test_only_countries_outside_the_uk_are_transfers() -> None:
    assert not is_restricted_transfer("GB")
    assert not is_restricted_transfer("gb")
    assert is_restricted_transfer("IE")
    assert is_restricted_transfer("US")


def test_a_processor_needs_a_contract_date_and_a_vetting_record(tmp_path: Path) -> None:
    assert _recipient(tmp_path, "country: GB", role="processor") == [
        "24:12 recipients[0].name: processor 'R' has no contract date (Art 28)",
        "24:12 recipients[0].name: processor 'R' has no record of being vetted",
    ]
    vetted = "country: GB, contract_signed_on: 2024-01-01, vetted_on: 2025-01-01"
    assert _recipient(tmp_path, vetted, role="processor") == []
    failed = vetted + ", vetting_result: failed"
    assert _recipient(tmp_path, failed, role="processor") == [
        "24:128 recipients[0].vetting_result: processor 'R' failed its last vetting"
    ]


def test_a_retention_rule_needs_a_reason(tmp_path: Path) -> None:
    body = CLEAN.replace(", reason: limitation period for claims", "")
    assert _warnings(tmp_path, body) == [
        "10:14 retention.six-years: retention rule 'six-years' gives no reason for its period"
    ]


def test_an_activity_needs_a_retention_rule(tmp_path: Path) -> None:
    body = CLEAN.replace("    retention: six-years\nretention:", "retention:")
    assert _warnings(tmp_path, body) == [
        "2:11 activities[0].name: activity 'Support' names no retention rule"
    ]


def test_an_activity_needs_a_system(tmp_path: Path) -> None:
    body = CLEAN.replace("    systems: [crm]\n", "", 1)
    assert _warnings(tmp_path, body) == [
        "2:11 activities[0].name: activity 'Support' names no system holding its data"
    ]


MARKETING = {
    "purpose": "marketing.communications.email",
    "subjects": "[customer, prospect]",
}


def test_marketing_to_prospects_without_consent_is_a_warning(tmp_path: Path) -> None:
    body = _activity(lawful_basis="legitimate_interests", extra=LIA, **MARKETING)
    assert _warnings(tmp_path, body) == [
        "5:26 activities[0].subjects[1]: marketing to 'prospect' under legitimate_interests: "
        "people who never bought may be marketed to only with their consent (PECR reg 22)"
    ]
    consent = _activity(
        lawful_basis="consent", extra="    consent_withdrawal: unsubscribe link\n", **MARKETING
    )
    assert _warnings(tmp_path, consent) == []


def test_marketing_to_enquirers_under_the_soft_opt_in_is_a_warning(tmp_path: Path) -> None:
    body = _activity(
        lawful_basis="consent",
        extra="    consent_withdrawal: unsubscribe link\n    channels: [news]\n",
        purpose="marketing.communications.email",
        subjects="[customer, enquirer]",
    ) + ("channels:\n  news: {kind: marketing, media: [email], soft_opt_in: true}\n")
    assert _warnings(tmp_path, body) == [
        "5:26 activities[0].subjects[1]: marketing to 'enquirer' under the soft opt-in: people "
        "who never bought may be marketed to only with their consent (PECR reg 22)"
    ]


def test_a_soft_opt_in_channel_for_people_who_never_bought_is_a_warning(tmp_path: Path) -> None:
    body = CLEAN + (
        "channels:\n"
        "  news: {kind: marketing, media: [email], soft_opt_in: true, subjects: [customer, "
        "prospect]}\n"
    )
    assert _warnings(tmp_path, body) == [
        "24:83 channels.news.subjects[1]: the soft opt-in does not cover 'prospect': they never "
        "bought"
    ]


def test_non_marketing_activities_for_prospects_are_fine(tmp_path: Path) -> None:
    body = _activity(subjects="[customer, prospect]")
    assert _warnings(tmp_path, body) == []


def test_a_category_held_in_none_of_the_activitys_systems_is_noted(tmp_path: Path) -> None:
    body = _activity(categories="[user.contact.email, user.contact.phone_number]")
    problems = problems_in(tmp_path, body)
    assert briefs(problems, "info") == [
        "6:38 activities[0].categories[1]: 'user.contact.phone_number' is not held in any "
        "field of crm"
    ]
    assert briefs(problems, "warning") == []


def test_a_broader_or_narrower_category_counts_as_held(tmp_path: Path) -> None:
    assert problems_in(tmp_path, _activity(categories="[user.contact]")) == []
    narrower = _activity(categories="[user.contact.email]").replace(
        "{name: email, categories: [user.contact.email]",
        "{name: email, categories: [user.contact]",
    )
    assert problems_in(tmp_path, narrower) == []


def test_a_system_abroad_without_a_processor_is_a_warning(tmp_path: Path) -> None:
    body = CLEAN.replace("    connector: sql\n", "    connector: sql\n    location: US\n")
    assert _warnings(tmp_path, body) == [
        "14:15 systems[0].location: system 'crm' holds data in US without a named processor "
        "and safeguard"
    ]
    assert _warnings(tmp_path, body.replace("location: US", "location: IE")) == []
