"""Each example's dataward.yaml is a complete, valid data map of its business."""

from __future__ import annotations

import re

import pytest

from dataward.examples import EXAMPLES, policy_path
from dataward.policy.schema import LawfulBasis
from dataward.policy.service import check_policy, load_policy
from dataward.policy.taxonomy import taxonomy_for

pytestmark = pytest.mark.parametrize("name", EXAMPLES)


def test_example_policy_has_no_errors(name: str) -> None:
    result = check_policy(policy_path(name))
    assert result.errors == []
    assert result.loaded is not None


def test_example_policy_has_no_warnings_either(name: str) -> None:
    """The examples show good practice: the ICO-minded warnings have nothing to say."""
    assert [str(p) for p in check_policy(policy_path(name)).problems] == []


def test_organisation_is_a_complete_fictional_uk_controller(name: str) -> None:
    organisation = load_policy(policy_path(name)).policy.organisation
    assert organisation.company_number is not None
    # England and Wales numbers are 8 digits; Scottish ones SC and 6 digits.
    assert re.fullmatch(r"\d{8}|SC\d{6}", organisation.company_number)
    assert organisation.ico_registration is not None
    assert re.fullmatch(r"Z[AB]\d{6}", organisation.ico_registration)
    assert organisation.privacy_contact.endswith(".example.com")
    assert re.search(r"[A-Z]{1,2}\d{1,2}[A-Z]? \d[A-Z]{2}$", organisation.registered_office)


def test_every_activity_states_its_basis_fully(name: str) -> None:
    policy = load_policy(policy_path(name)).policy
    for activity in policy.activities:
        if activity.lawful_basis is LawfulBasis.LEGITIMATE_INTERESTS:
            assert activity.legitimate_interest and activity.lia, activity.name
        if activity.lawful_basis is LawfulBasis.CONSENT:
            assert activity.consent_withdrawal, activity.name
        if activity.lawful_basis in (LawfulBasis.CONTRACT, LawfulBasis.LEGAL_OBLIGATION):
            assert activity.requirement, activity.name


def test_special_and_criminal_data_have_their_conditions(name: str) -> None:
    policy = load_policy(policy_path(name)).policy
    taxonomy = taxonomy_for(policy)
    for activity in policy.activities:
        if any(taxonomy.is_special(c) for c in activity.categories):
            assert activity.special_category_condition is not None, activity.name
            assert activity.schedule1_condition, activity.name
            assert activity.restricted_roles, activity.name
        if any(taxonomy.is_criminal(c) for c in activity.categories):
            assert activity.criminal_offence_condition, activity.name


def test_every_retention_rule_is_used_and_gives_its_reason(name: str) -> None:
    policy = load_policy(policy_path(name)).policy
    used = {a.retention for a in policy.activities}
    assert policy.systems
    for system in policy.systems:
        assert system.dataset is not None
        used |= {c.retention for c in system.dataset.collections}
        for collection in system.dataset.collections:
            if collection.exemption and collection.exemption.until:
                used.add(collection.exemption.until)
    assert set(policy.retention) <= used
    for rule_name, rule in policy.retention.items():
        assert rule.reason and len(rule.reason) > 20, rule_name


def test_connections_name_environment_variables_only(name: str) -> None:
    policy = load_policy(policy_path(name)).policy
    for system in policy.systems:
        kinds = {"sql": {"url_env"}, "files": {"path_env", "index"}}[system.connector]
        assert set(system.connection) == kinds, system.name
        for key, value in system.connection.items():
            if key.endswith("_env"):
                assert re.fullmatch(rf"{name.upper()}_[A-Z_]+_(URL|DIR)", str(value))
