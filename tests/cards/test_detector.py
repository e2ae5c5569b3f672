"""The one detector of card numbers and bank details: real ones found, look-alikes left alone."""

from __future__ import annotations

import pytest

from dataward.core.errors import UsageError
from dataward.core.payment_numbers import (
    find_payment_numbers,
    issued_card,
    luhn_valid,
    redact_payment_numbers,
    refuse_payment_numbers,
)

# Test numbers the schemes publish: each passes Luhn and has a real issuer prefix.
CARDS = [
    "4111 1111 1111 1111",  # Visa
    "4012888888881881",
    "5555-5555-5555-4444",  # Mastercard
    "2223003122003222",  # Mastercard 2-series
    "378282246310005",  # American Express
    "6011111111111117",  # Discover
    "3530111333300000",  # JCB
    "6759649826438453",  # Maestro (UK)
]


@pytest.mark.parametrize("number", CARDS)
def test_a_scheme_test_card_number_is_found_in_a_ticket(number: str) -> None:
    text = f"Customer read out their card {number} over the phone, please charge it."
    (found,) = find_payment_numbers(text)
    assert found.kind == "card"
    assert text[found.start : found.end] == number


def test_a_number_passing_luhn_without_an_issuer_prefix_is_not_a_card() -> None:
    for digits in ("1234567812345670", "0000000000000000", "9999999999999995", "7992739871300"):
        assert luhn_valid(digits), digits
        assert not issued_card(digits), digits
        assert find_payment_numbers(f"order ref {digits}") == []


def test_a_visa_prefix_failing_luhn_is_not_a_card() -> None:
    assert find_payment_numbers("ref 4111 1111 1111 1112") == []


@pytest.mark.parametrize(
    "text",
    [
        "Call me on 07700 900123 or +44 20 7946 0958 tomorrow",
        "Seen 2026-03-14 10:22:05, again 14/03/2026, again 20260314102205",
        "Ticket 4000123 about device SN 5512 3344 from 2026-03-14",
        "IP 192.168.100.200 and MAC 00:1B:44:11:3A:B7",
        "Invoice INV-2026-000412 for 12 licences, 3 devices",
    ],
)
def test_phone_numbers_dates_and_references_raise_no_alarm(text: str) -> None:
    assert find_payment_numbers(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Please pay into sort code 20-00-00 account 12345678",
        "Bank: 12345678 / 40 47 84",
        "sort code 200000, account number 55779911",
    ],
)
def test_uk_bank_details_are_found(text: str) -> None:
    assert [f.kind for f in find_payment_numbers(text)] == ["bank"]


def test_an_account_number_alone_is_not_bank_details() -> None:
    assert find_payment_numbers("account 12345678 is the customer's number with us") == []


def test_redaction_keeps_the_rest_of_the_text() -> None:
    text, found = redact_payment_numbers(
        "Card 4111 1111 1111 1111, bank 20-00-00 12345678. Thanks!"
    )
    assert text == "Card [card number removed], bank [bank details removed]. Thanks!"
    assert [f.kind for f in found] == ["card", "bank"]


def test_free_text_with_a_card_number_is_refused_with_a_clear_message() -> None:
    with pytest.raises(UsageError) as refused:
        refuse_payment_numbers("refund to 5555 5555 5555 4444 please")
    assert "card number" in str(refused.value)
    assert "5555" not in str(refused.value)
    assert refuse_payment_numbers("card ending 4444") == "card ending 4444"
