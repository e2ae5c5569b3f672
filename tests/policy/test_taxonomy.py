from __future__ import annotations

from pathlib import Path

import pytest

from dataward.policy.schema import CategoryDefinition, Policy, Subject
from dataward.policy.taxonomy import default_taxonomy, taxonomy_for

from .policy_samples import CLEAN, briefs, problems_in

EXTENSION_CATEGORIES = [
    "user.content.call_recording",
    "user.content.cctv_footage",
    "user.content.chat_transcript",
    "user.content.feedback",
    "user.content.enquiry",
    "user.content.complaint",
    "user.content.support_ticket",
    "user.content.email",
    "user.employment",
    "user.employment.application",
    "user.employment.interview_notes",
    "user.employment.references",
    "user.employment.right_to_work",
    "user.employment.record",
    "user.employment.bank_details",
    "user.employment.medical",
    "user.employment.criminal_record_check",
    "user.employment.driving_licence",
    "user.device.hostname",
    "user.device.username",
    "user.device.monitoring",
    "user.device.remote_session",
    "user.device.operating_system",
    "user.behavior.marketing_engagement",
    "user.behavior.campaign_attribution",
    "user.behavior.website_usage",
    "user.contact.organization.school",
    "system.network_configuration",
    "system.backup",
]
EXTENSION_USES = [
    "essential.service.operations.remote_support",
    "essential.service.operations.device_monitoring",
    "essential.service.operations.backup",
    "essential.service.operations.quality_assurance",
    "essential.service.operations.complaints",
    "marketing.communications.telemarketing",
    "marketing.communications.post",
    "marketing.publication.testimonials",
    "essential.service.security.cctv",
    "employment.recruitment.pre_employment_checks",
    "employment.administration",
]
EXTENSION_SUBJECTS = [
    "enquirer",
    "complainant",
    "website_visitor",
    "school_contact",
    "social_media_follower",
]


def test_fideslang_keys_are_all_known() -> None:
    taxonomy = default_taxonomy()
    for key in ("user.contact.email", "user.financial.bank_account", "system.operations"):
        assert taxonomy.categories.get(key) is not None
        assert taxonomy.categories.get(key).origin == "fideslang"  # type: ignore[union-attr]
    assert "essential.service.operations.support" in taxonomy.uses
    assert "job_applicant" in taxonomy.subjects


@pytest.mark.parametrize("key", EXTENSION_CATEGORIES)
def test_each_dataward_category_hangs_from_a_known_parent(key: str) -> None:
    categories = default_taxonomy().categories
    term = categories.get(key)
    assert term is not None and term.origin == "dataward"
    assert term.parent in categories
    assert key.startswith(f"{term.parent}.")


@pytest.mark.parametrize("key", EXTENSION_USES)
def test_each_dataward_data_use_hangs_from_a_known_parent(key: str) -> None:
    uses = default_taxonomy().uses
    term = uses.get(key)
    assert term is not None and term.parent in uses
    assert key.startswith(f"{term.parent}.")


@pytest.mark.parametrize("key", EXTENSION_SUBJECTS)
def test_each_dataward_subject_is_known(key: str) -> None:
    assert key in default_taxonomy().subjects


@pytest.mark.parametrize(
    "key",
    [
        "user.health_and_medical",
        "user.health_and_medical.genetic",
        "user.biometric.fingerprint",
        "user.demographic.race_ethnicity",
        "user.demographic.political_opinion",
        "user.demographic.religious_belief",
        "user.demographic.sexual_orientation",
        "user.demographic.trade_union_membership",
        "user.employment.medical",
    ],
)
def test_special_category_keys_and_their_children_are_flagged(key: str) -> None:
    taxonomy = default_taxonomy()
    assert taxonomy.is_special(key)
    assert not taxonomy.is_criminal(key)


@pytest.mark.parametrize("key", ["user.criminal_history", "user.employment.criminal_record_check"])
def test_criminal_offence_keys_are_flagged(key: str) -> None:
    assert default_taxonomy().is_criminal(key)


@pytest.mark.parametrize(
    "key", ["user.contact.email", "user.demographic", "user.employment", "user.content"]
)
def test_ordinary_keys_are_neither_special_nor_criminal(key: str) -> None:
    taxonomy = default_taxonomy()
    assert not taxonomy.is_special(key)
    assert not taxonomy.is_criminal(key)


@pytest.mark.parametrize(
    ("vocabulary", "typo", "meant"),
    [
        ("categories", "user.contact.emial", "user.contact.email"),
        ("categories", "user.contact.phone", "user.contact.phone_number"),
        ("categories", "user.employment.medicl", "user.employment.medical"),
        ("uses", "security.cctv", "essential.service.security.cctv"),
        ("uses", "quality_assurance", "essential.service.operations.quality_assurance"),
        ("uses", "marketing.communication.email", "marketing.communications.email"),
        ("subjects", "custmer", "customer"),
    ],
)
def test_a_typo_is_matched_on_the_whole_key_or_on_its_last_segment(
    vocabulary: str, typo: str, meant: str
) -> None:
    assert getattr(default_taxonomy(), vocabulary).suggest(typo) == meant


def test_nothing_is_suggested_for_a_key_like_no_other() -> None:
    assert default_taxonomy().categories.suggest("zzzz.qqqq") is None


def test_a_policy_adds_its_own_categories_and_subjects(tmp_path: Path) -> None:
    policy = Policy.model_construct(
        categories=[
            CategoryDefinition(key="user.employment.union_rep", parent="user.employment"),
            CategoryDefinition(
                key="user.content.whistleblowing", parent="user.content", criminal=True
            ),
        ],
        subjects=[Subject(key="volunteer", parent="employee")],
    )
    taxonomy = taxonomy_for(policy)
    assert taxonomy.categories.get("user.employment.union_rep") is not None
    assert taxonomy.categories.within("user.employment.union_rep", "user")
    assert taxonomy.is_criminal("user.content.whistleblowing")
    assert taxonomy.subjects.lineage("volunteer") == ["volunteer", "employee"]
    assert "user.employment.union_rep" not in default_taxonomy().categories


def test_a_custom_category_with_a_known_parent_is_accepted(tmp_path: Path) -> None:
    body = (
        CLEAN.replace("[user.contact.email]", "[user.contact.loyalty_number]", 1)
        + "categories:\n"
        + "  - {key: user.contact.loyalty_number, parent: user.contact}\n"
    ).replace(
        "{name: email, categories: [user.contact.email]",
        "{name: email, categories: [user.contact.email, user.contact.loyalty_number]",
    )
    assert problems_in(tmp_path, body) == []


def test_a_custom_category_must_name_an_existing_parent(tmp_path: Path) -> None:
    body = CLEAN + "categories:\n  - {key: user.contact.loyalty_number, parent: user.contct}\n"
    problems = problems_in(tmp_path, body)
    assert briefs(problems) == ["24:48 categories[0].parent: unknown parent 'user.contct'"]
    assert problems[0].fix == "did you mean `user.contact`?"


def test_redefining_a_known_key_is_a_warning(tmp_path: Path) -> None:
    body = CLEAN + "categories:\n  - {key: user.contact.email, parent: user.contact}\n"
    assert briefs(problems_in(tmp_path, body), "warning") == [
        "24:11 categories[0].key: 'user.contact.email' is already a taxonomy key; "
        "this definition is ignored"
    ]


def test_custom_categories_may_not_be_their_own_ancestors(tmp_path: Path) -> None:
    body = CLEAN + (
        "categories:\n  - {key: user.a, parent: user.b}\n  - {key: user.b, parent: user.a}\n"
    )
    assert briefs(problems_in(tmp_path, body)) == [
        "24:27 categories[0].parent: 'user.a' would be its own ancestor",
        "25:27 categories[1].parent: 'user.b' would be its own ancestor",
    ]


def test_a_new_kind_of_subject_needs_a_parent(tmp_path: Path) -> None:
    body = CLEAN.replace("subjects: [customer]", "subjects: [customer, volunteer]") + (
        "subjects:\n  - {key: volunteer, reader: volunteered with us}\n"
    )
    problems = problems_in(tmp_path, body)
    assert briefs(problems) == ["24:11 subjects[0].key: unknown data subject 'volunteer'"]
    assert problems[0].fix == "give this new kind of person a `parent:` (an existing subject key)"
    fixed = body.replace("{key: volunteer,", "{key: volunteer, parent: employee,")
    assert problems_in(tmp_path, fixed) == []


def test_a_subject_entry_for_a_known_key_only_adds_wording(tmp_path: Path) -> None:
    body = CLEAN + "subjects:\n  - {key: customer, reader: bought from us}\n"
    assert problems_in(tmp_path, body) == []


def test_a_deprecated_fideslang_key_is_a_warning_naming_its_replacement(tmp_path: Path) -> None:
    body = CLEAN.replace(
        "purpose: essential.service.operations.support", "purpose: personalize.profiling"
    )
    problems = [p for p in problems_in(tmp_path, body) if p.severity == "warning"]
    assert briefs(problems) == [
        "3:14 activities[0].purpose: data use 'personalize.profiling' is deprecated in fideslang"
    ]
    assert problems[0].fix is not None and problems[0].fix.startswith("use `")
