"""The Art 15 letter: drawn from the policy for the activities that hold the person's data."""

from __future__ import annotations

from datetime import date

from dataward.policy.schema import Policy
from dataward.rights.letter import (
    NO_IDENTITY,
    KeptLine,
    SearchedLine,
    build_letter,
    render_letter,
    retention_text,
)

from .kestrel import POLICY

ANSWERED = date(2026, 3, 2)


def _policy() -> Policy:
    return Policy.model_validate(POLICY)


def _searched(**records: int) -> list[SearchedLine]:
    return [SearchedLine("crm", name, count) for name, count in records.items()]


def test_only_activities_whose_systems_and_categories_hold_data_are_named() -> None:
    letter = build_letter(
        policy=_policy(),
        reference="DW-2026-000001",
        answered_on=ANSWERED,
        held={"crm": {"user.content"}},
        searched=_searched(tickets=2),
    )
    # Tickets (user.content) are used for support only; billing and calls hold nothing.
    assert [a.name for a in letter.activities] == ["Customer support"]
    assert letter.categories == ["Content"]
    assert [r.name for r in letter.recipients] == ["Deskly Inc"]
    assert [r.name for r in letter.transfers] == ["Deskly Inc"]
    assert not letter.uses_consent
    assert letter.portability


def test_a_narrower_found_category_matches_a_broader_activity_category() -> None:
    policy = _policy()
    policy.activities[0].categories = ["user.contact"]
    letter = build_letter(
        policy=policy,
        reference="DW-2026-000001",
        answered_on=ANSWERED,
        held={"crm": {"user.contact.email"}},
        searched=_searched(customers=1),
    )
    assert "Customer support" in [a.name for a in letter.activities]
    assert "Newsletter" in [a.name for a in letter.activities]
    assert letter.uses_consent


def test_the_letter_names_purposes_bases_recipients_retention_rights_and_the_ico() -> None:
    letter = build_letter(
        policy=_policy(),
        reference="DW-2026-000007",
        answered_on=ANSWERED,
        held={
            "crm": {"user.contact.email", "user.name"},
            "calls": {"user.contact.phone_number"},
        },
        searched=[*_searched(customers=1), SearchedLine("calls", "call_log", 2)],
        addressee="Alice Archer",
    )
    html = render_letter(letter)
    for expected in (
        "Dear Alice Archer",
        "2 March 2026",
        "DW-2026-000007",
        "Kestrel IT Ltd",
        "ZA112233",
        "Call logging",
        "our legitimate interests (Art 6(1)(f)): checking the quality of our phone support",
        "your consent (Art 6(1)(a))",
        "3 months from the \u2018called on\u2019 date (disputes about calls are raised",
        "Mailer Ltd",
        "Deskly Inc, in US: protected by the UK Extension to the EU-US Data Privacy Framework",
        "withdraw your consent",
        "To object to its use",
        "0303 123 1113",
        "https://ico.org.uk/make-a-complaint/",
        "privacy@kestrel.example",
        "We make no decisions about you by automated means alone",
        "All of it came from you.",
    ):
        assert expected in html, expected
    assert "3 records in all" in html


def test_someone_found_nowhere_is_told_no_personal_data_is_held() -> None:
    letter = build_letter(
        policy=_policy(),
        reference="DW-2026-000002",
        answered_on=ANSWERED,
        held={},
        searched=[
            *_searched(customers=0, tickets=0),
            SearchedLine("calls", "call_log", 0, NO_IDENTITY),
        ],
    )
    html = render_letter(letter)
    assert not letter.holds_data
    assert "we hold no personal data about\nyou" in html
    assert "Why we hold it" not in html
    assert "not searchable by the details given" in html
    assert "Information Commissioner" in html


def test_records_an_erasure_kept_are_listed_with_ground_and_date() -> None:
    letter = build_letter(
        policy=_policy(),
        reference="DW-2026-000003",
        answered_on=ANSWERED,
        held={"billing": {"user.financial"}},
        searched=[SearchedLine("billing", "invoices", 1)],
        kept=[
            KeptLine("billing", "invoices", 1, "legal_obligation", "HMRC", date(2031, 6, 1)),
            KeptLine("crm", "contracts", 1, "contract", "still running", None),
        ],
    )
    html = render_letter(letter)
    assert "legal obligation: HMRC" in html
    assert "1 June 2031" in html
    assert "while the ground lasts" in html


def test_policy_text_is_escaped_in_the_letter() -> None:
    policy = _policy()
    policy.organisation.name = "Kestrel <script>alert(1)</script> Ltd"
    letter = build_letter(
        policy=policy,
        reference="DW-2026-000004",
        answered_on=ANSWERED,
        held={},
        searched=[],
    )
    html = render_letter(letter)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_retention_is_told_from_the_rule_unless_the_activity_words_it() -> None:
    policy = _policy()
    accounts = policy.activities[2]
    assert retention_text(policy, accounts) == (
        "6 years from the \u2018issued on\u2019 date (HMRC requires accounting records for 6 years)"
    )
    accounts.retention_text = "six years after the end of the financial year"
    assert retention_text(policy, accounts) == "six years after the end of the financial year"
    accounts.retention = None
    accounts.retention_text = None
    assert "as long as this purpose needs it" in retention_text(policy, accounts)
