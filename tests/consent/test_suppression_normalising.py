"""The fast paths of the one normaliser agree with the full validators on every input they
take: a list of a million addresses is hashed exactly as a single one typed at the console."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataward.core.identifiers import (
    SPECIAL_USE_TOP_LEVEL,
    _plain_email,
    normalise_email,
    normalise_phone,
)

SPECIAL = st.sampled_from(["test", "local", "invalid", "arpa", "onion", "localhost"])
LABEL = st.from_regex(r"[a-zA-Z0-9-]{1,12}", fullmatch=True)
LOCAL = st.from_regex(r"[a-zA-Z0-9._+\-!#$%&'*/=?^`{|}~]{1,20}", fullmatch=True)
TLD = st.one_of(st.from_regex(r"[a-zA-Z0-9]{1,6}", fullmatch=True), SPECIAL)


@st.composite
def addresses(draw: st.DrawFn) -> str:
    labels = draw(st.lists(LABEL, min_size=0, max_size=3))
    return f"{draw(LOCAL)}@{'.'.join([*labels, draw(TLD)])}"


def test_the_fast_path_refuses_the_same_special_use_names_as_the_validator() -> None:
    import email_validator

    assert frozenset(email_validator.SPECIAL_USE_DOMAIN_NAMES) == SPECIAL_USE_TOP_LEVEL


@settings(max_examples=3000, deadline=None)
@given(addresses())
@example("Ann.Other@Example.com")
@example("a@xn--bcher-kva.example")
@example("a@home.arpa")
@example("a@1.23")
@example("a@ex-.com")
@example("0@00--0.AA")  # two characters then "--": a label IDNA reserves
def test_the_fast_path_for_plain_addresses_agrees_with_the_validator(address: str) -> None:
    fast = _plain_email(address)
    if fast is None:
        return  # the validator decides, as before
    try:
        slow = validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:  # pragma: no cover - the failure this test looks for
        raise AssertionError(f"{address!r}: fast path took what the validator refuses") from exc
    assert fast == slow
    assert normalise_email(f"  {address} ") == slow


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"(0|\+44)[1-9][0-9]{9}", fullmatch=True))
def test_the_fast_path_for_plain_uk_numbers_agrees_with_the_full_parser(number: str) -> None:
    parsed = phonenumbers.parse(number, "GB")
    assert phonenumbers.is_possible_number(parsed)
    slow = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    assert normalise_phone(number) == slow
