"""The notice is built from the data map: who we are, per reader, every Art 13/14 element."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dataward.notice.build import build_notice, from_person
from dataward.notice.words import event_phrase
from dataward.policy.service import load_policy

from .support import FIXTURE, activity, variant


def fixture_notice():  # type: ignore[no-untyped-def]
    return build_notice(load_policy(FIXTURE))


def test_notice_names_the_controller_with_company_number_office_ico_number_and_contact() -> None:
    controller = fixture_notice().controller
    assert controller.name == "Harbour IT Support Ltd"
    assert controller.company_number == "09876543"
    assert controller.registered_office == "4 Quay Road, Poole BH15 1HJ"
    assert controller.ico_registration == "ZB765432"
    assert controller.privacy_contact == "privacy@harbour-it.example"


def test_notice_groups_activities_by_who_the_reader_is() -> None:
    audiences = {a.key: a for a in fixture_notice().audiences}
    assert audiences["customer"].heading == "If you are a customer"
    assert audiences["customer"].activities == [
        "Support and service",
        "Call recording",
        "Card payments",
        "Marketing emails",
    ]
    assert audiences["job_applicant"].heading == "If you applied for a job with us"
    assert audiences["job_applicant"].activities == ["Recruitment"]
    # No `reader` given: the subject's name, with the right article.
    assert audiences["prospect"].heading == "If you are an enquirer"


def test_subject_without_a_declaration_is_headed_by_its_taxonomy_name(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["subjects"] = []
        activity(data, "Recruitment")["subjects"] = ["employee"]

    notice = build_notice(variant(tmp_path, change))
    headings = {a.key: a.heading for a in notice.audiences}
    assert headings["employee"] == "If you are an employee"
    assert headings["customer"] == "If you are a customer"


def test_purpose_uses_the_maps_words_or_a_plain_reading_of_the_data_use() -> None:
    notice = fixture_notice()
    recording = notice.purpose("Call recording")
    support = notice.purpose("Support and service")
    assert recording is not None and support is not None
    assert recording.purpose_text.startswith("To check the quality of our support")
    assert support.purpose_text == "To give you support and answer your questions"


def test_lawful_basis_is_in_plain_words_and_names_the_legitimate_interest() -> None:
    recording = fixture_notice().purpose("Call recording")
    assert recording is not None
    assert recording.lawful_basis == "legitimate_interests"
    assert "legitimate interests" in recording.lawful_basis_text
    assert recording.legitimate_interest == "checking service quality and resolving disputes"


def test_retention_is_said_in_words_with_its_reason() -> None:
    notice = fixture_notice()
    recording = notice.purpose("Call recording")
    assert recording is not None and recording.retention is not None
    assert recording.retention.rules == ["calls-3-months"]
    assert recording.retention.text == "3 months after the call is recorded, then deleted"
    assert recording.retention.reason == "quality checks and disputes are raised within weeks"
    support = notice.purpose("Support and service")
    assert support is not None and support.retention is not None
    assert support.retention.text == "6 years after the relationship ended, then deleted"


def test_activity_without_a_rule_states_the_rules_of_its_collections(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        del activity(data, "Call recording")["retention"]

    recording = build_notice(variant(tmp_path, change)).purpose("Call recording")
    assert recording is not None and recording.retention is not None
    assert recording.retention.rules == ["calls-3-months"]
    assert recording.retention.text == "3 months after the call is recorded, then deleted"


def test_retention_text_in_the_map_is_used_as_written() -> None:
    marketing = fixture_notice().purpose("Marketing emails")
    assert marketing is not None and marketing.retention is not None
    assert marketing.retention.text.startswith("Until you unsubscribe")


def test_activity_with_no_rule_anywhere_and_no_text_has_no_retention(tmp_path: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        marketing = activity(data, "Marketing emails")
        del marketing["retention_text"], marketing["retention"]
        del data["systems"][2]["dataset"]["collections"][0]["retention"]

    marketing = build_notice(variant(tmp_path, change)).purpose("Marketing emails")
    assert marketing is not None and marketing.retention is None


def test_data_obtained_elsewhere_names_its_source_and_categories() -> None:
    recruitment = fixture_notice().purpose("Recruitment")
    assert recruitment is not None
    assert not recruitment.from_person
    assert recruitment.source == "the recruitment agency that put you forward"
    labels = {c.label: c for c in recruitment.categories}
    assert set(labels) == {"name", "email address", "criminal convictions and offences"}
    assert labels["criminal convictions and offences"].criminal
    assert recruitment.criminal_condition is not None


def test_source_phrases_tell_collected_from_the_person_from_obtained_elsewhere() -> None:
    assert from_person("the person")
    assert from_person("the person, by email, web form or phone")
    assert from_person("You")
    assert not from_person("the person's employer")
    assert not from_person("the school that employs you")


def test_custom_categories_keep_the_name_the_policy_gives_them() -> None:
    recording = fixture_notice().purpose("Call recording")
    assert recording is not None
    assert [c.label for c in recording.categories] == [
        "phone number",
        "call recording",
        "voicemail messages",
    ]


def test_recipients_are_named_with_service_role_and_country() -> None:
    recipients = {r.name: r for r in fixture_notice().recipients}
    payments = recipients["Payments Ltd"]
    assert payments.service == "card payment processing"
    assert payments.category == "payment processor"
    assert payments.country_name == "the United Kingdom"
    assert payments.activities == ["Card payments"]
    assert recipients["RemoteDesk Inc"].country_name == "United States"


def test_transfers_outside_the_uk_carry_their_safeguard() -> None:
    transfers = {t.recipient: t for t in fixture_notice().transfers}
    assert set(transfers) == {"RemoteDesk Inc", "CallStore BV"}
    assert transfers["RemoteDesk Inc"].safeguard == "uk_dpf_extension"
    assert transfers["RemoteDesk Inc"].restricted
    # Not stated in the map, but the Netherlands has UK adequacy regulations.
    assert transfers["CallStore BV"].safeguard == "adequacy"
    assert not transfers["CallStore BV"].restricted


def test_portability_is_offered_only_where_the_basis_is_consent_or_contract() -> None:
    rights = {r.key: r for r in fixture_notice().rights}
    assert rights["portability"].activities == [
        "Support and service",
        "Card payments",
        "Marketing emails",
    ]
    assert set(rights) == {
        "access",
        "rectification",
        "erasure",
        "restriction",
        "objection",
        "portability",
    }
    assert "Call recording" in rights["objection"].activities


def test_withdrawing_consent_is_explained_only_when_consent_is_used(tmp_path: Path) -> None:
    assert fixture_notice().withdraw_consent is not None

    def change(data: dict[str, Any]) -> None:
        activity(data, "Marketing emails")["lawful_basis"] = "legitimate_interests"
        activity(data, "Marketing emails")["legitimate_interest"] = "telling customers about us"

    assert build_notice(variant(tmp_path, change)).withdraw_consent is None


def test_statutory_or_contractual_requirement_follows_from_contract_and_consent() -> None:
    notice = fixture_notice()
    support = notice.purpose("Support and service")
    marketing = notice.purpose("Marketing emails")
    recruitment = notice.purpose("Recruitment")
    assert support is not None and marketing is not None and recruitment is not None
    assert support.requirement is not None and "contract" in support.requirement
    assert marketing.requirement is not None and "do not have to" in marketing.requirement
    # Art 14 data: the person was not asked for it, so there is nothing to say.
    assert recruitment.requirement is None


def test_automated_decisions_are_described_or_said_not_to_happen(tmp_path: Path) -> None:
    assert "do not make decisions" in fixture_notice().automated_decision_making

    def change(data: dict[str, Any]) -> None:
        activity(data, "Recruitment")["automated_decision_making"] = (
            "applications without the right to work in the UK are turned down automatically"
        )

    notice = build_notice(variant(tmp_path, change))
    assert "turned down automatically" in notice.automated_decision_making
    assert "contest" in notice.automated_decision_making


@pytest.mark.parametrize(
    ("after", "thing", "words"),
    [
        ("recorded_at", "call", "the call is recorded"),
        ("recorded_at", None, "it is recorded"),
        ("visited_at", "visit", "the visit"),
        ("occurred_at", "interaction", "the interaction"),
        ("started_at", "session", "the session starts"),
        ("unsubscribed_on", "subscriber", "you unsubscribe"),
        ("relationship_ended_on", "customer", "the relationship ended"),
        ("customers.closed_on", None, "the customer is closed"),
        ("decision_on", "applicant", "the decision date"),
    ],
)
def test_retention_triggers_read_as_english(after: str, thing: str | None, words: str) -> None:
    assert event_phrase(after, thing=thing) == words
