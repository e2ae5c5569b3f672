"""Payment card numbers and UK bank details in free text: found, redacted, or refused.

Here in core so that every place Dataward stores free text (sealed notes, the CLI's note
check) can refuse them without importing a domain; the `cards` domain scans the business's
own systems with the same detector, so the two can never disagree on what a card number is.

A card number must pass the Luhn check AND start with a real issuer's prefix at a length that
issuer uses: Luhn alone passes one random digit string in ten, so order references, phone
numbers and dates would raise false alarms. Bank details are a sort code written as a sort
code (12-34-56, or six digits after the words "sort code") with an eight-digit account number
near it: a bare eight-digit number is far too common to report on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from dataward.core.errors import UsageError

CARD_MARK = "[card number removed]"
BANK_MARK = "[bank details removed]"

# 12 to 19 digits, each optionally followed by one space or hyphen (as people type them).
_CARD_CANDIDATE = re.compile(r"(?<![\d])\d(?:[ -]?\d){11,18}(?![\d])")
# A sort code as people write one, then an account number within a short distance (or the
# other way round); the gap may hold words ("account") but no digits.
_SORT = r"(?:\d{2}-\d{2}-\d{2}|\d{2} \d{2} \d{2}|(?i:sort\s*code)\D{0,12}\d{6})"
_ACCOUNT = r"\d{8}"
_BANK = re.compile(
    rf"(?<![\d-]){_SORT}(?![\d-])\D{{0,40}}?(?<!\d){_ACCOUNT}(?!\d)"
    rf"|(?<!\d){_ACCOUNT}(?!\d)\D{{0,40}}?(?<![\d-]){_SORT}(?![\d-])"
)

# (prefix range low, high, the lengths that issuer uses)
_ISSUERS: tuple[tuple[int, int, frozenset[int]], ...] = (
    (4, 4, frozenset({13, 16, 19})),  # Visa
    (51, 55, frozenset({16})),  # Mastercard
    (2221, 2720, frozenset({16})),  # Mastercard 2-series
    (34, 34, frozenset({15})),  # American Express
    (37, 37, frozenset({15})),
    (6011, 6011, frozenset(range(16, 20))),  # Discover
    (644, 649, frozenset(range(16, 20))),
    (65, 65, frozenset(range(16, 20))),
    (300, 305, frozenset(range(14, 20))),  # Diners Club
    (36, 36, frozenset(range(14, 20))),
    (38, 39, frozenset(range(14, 20))),
    (3528, 3589, frozenset(range(16, 20))),  # JCB
    (62, 62, frozenset(range(16, 20))),  # UnionPay
    (5018, 5018, frozenset(range(12, 20))),  # Maestro
    (5020, 5020, frozenset(range(12, 20))),
    (5038, 5038, frozenset(range(12, 20))),
    (5893, 5893, frozenset(range(12, 20))),
    (6304, 6304, frozenset(range(12, 20))),
    (6759, 6759, frozenset(range(12, 20))),
    (6761, 6763, frozenset(range(12, 20))),
)

PaymentKind = Literal["card", "bank"]


@dataclass(frozen=True)
class PaymentNumber:
    """Where one was found; never the number itself."""

    kind: PaymentKind
    start: int
    end: int


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def issued_card(digits: str) -> bool:
    """A length and prefix some card scheme issues, and a right Luhn check digit."""
    for low, high, lengths in _ISSUERS:
        width = len(str(low))
        if len(digits) in lengths and low <= int(digits[:width]) <= high:
            return luhn_valid(digits)
    return False


def find_payment_numbers(text: str) -> list[PaymentNumber]:
    """Card numbers and UK bank details in `text`, in order, not overlapping."""
    found: list[PaymentNumber] = []
    for match in _CARD_CANDIDATE.finditer(text):
        if issued_card(re.sub(r"[ -]", "", match.group())):
            found.append(PaymentNumber("card", match.start(), match.end()))
    for match in _BANK.finditer(text):
        if not any(f.start < match.end() and match.start() < f.end for f in found):
            found.append(PaymentNumber("bank", match.start(), match.end()))
    return sorted(found, key=lambda f: f.start)


def redact_payment_numbers(text: str) -> tuple[str, list[PaymentNumber]]:
    """The text with each one replaced by a marker, and what was replaced."""
    found = find_payment_numbers(text)
    for item in reversed(found):
        mark = CARD_MARK if item.kind == "card" else BANK_MARK
        text = text[: item.start] + mark + text[item.end :]
    return text, found


def refuse_payment_numbers(text: str) -> str:
    """The text unchanged, or UsageError when it holds a card number or bank details."""
    found = find_payment_numbers(text)
    if found:
        what = "a payment card number" if found[0].kind == "card" else "bank details"
        raise UsageError(
            f"the text contains what looks like {what}, which Dataward never stores",
            fix="remove the number (say 'card ending 1234' if you must refer to one)",
        )
    return text
