"""Rectification planning: which fields a correction reaches, and how values are read."""

from __future__ import annotations

import pytest

from dataward.core.errors import UsageError
from dataward.policy.schema import Policy
from dataward.rights.erasure import collection_of
from dataward.rights.rectification import (
    check_categories,
    field_changes,
    normalise_change,
    parse_changes,
)

from .kestrel import POLICY


def test_changes_are_read_as_category_value_pairs() -> None:
    assert parse_changes(["user.name=Alex Smith", " user.contact.email = a@example.com "]) == {
        "user.name": "Alex Smith",
        "user.contact.email": "a@example.com",
    }
    with pytest.raises(UsageError, match="cannot read"):
        parse_changes(["user.name"])
    with pytest.raises(UsageError, match="set twice"):
        parse_changes(["user.name=A", "user.name=B"])
    with pytest.raises(UsageError, match="at least one change"):
        parse_changes([])


def test_phone_numbers_and_emails_are_stored_the_way_searches_expect() -> None:
    assert normalise_change("user.contact.phone_number", "07700 900123") == "+447700900123"
    assert normalise_change("user.contact.email", " Alice@Example.COM") == "alice@example.com"
    assert normalise_change("user.name", "  Alice ") == "  Alice "
    with pytest.raises(UsageError):
        normalise_change("user.contact.phone_number", "not a number")


def test_a_category_no_system_holds_is_refused() -> None:
    policy = Policy.model_validate(POLICY)
    check_categories(policy, {"user.contact": "x"})  # broader than what is held: reaches it
    with pytest.raises(UsageError, match=r"user\.biometric"):
        check_categories(policy, {"user.biometric": "x"})


def test_the_most_specific_change_wins_for_a_field() -> None:
    policy = Policy.model_validate(POLICY)
    customers = collection_of(policy, "crm", "customers")
    changes = {"user.contact": "everything", "user.contact.email": "b@example.com"}
    assert field_changes(customers, changes) == {
        "email": "b@example.com",
        "phone": "everything",
    }
    assert field_changes(customers, {"user.financial": "1"}) == {}
