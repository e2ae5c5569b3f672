"""The plain-address fast path of the one email normaliser agrees with the validator."""

from __future__ import annotations

import random
import string

from email_validator import EmailNotValidError, validate_email

from dataward.core.crypto import normalise_email
from dataward.core.errors import UsageError

EDGES = [
    "Ann.Other@Example.COM", " a@b.co ", "a..b@x.com", ".a@x.com", "a.@x.com", "a@-x.com",
    "a@x-.com", "a@x.test", "a@x.local", "a@x.c", "a@x.123", "a+tag@sub.example.co.uk",
    "o'brien@example.ie", "a@b", "a@localhost", "x" * 65 + "@e.com", "a@" + "b" * 64 + ".com",
    "a@xn--bcher-kva.example", "user@[1.2.3.4]", "a b@c.com", "ä@x.com", "a@b.onion",
    "a@" + "b." * 130 + "com",
]  # fmt: skip


def _slow(value: str) -> str | None:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def _fast(value: str) -> str | None:
    try:
        return normalise_email(value)
    except UsageError:
        return None


def test_both_paths_give_the_same_address_or_both_refuse() -> None:
    rng = random.Random(7)
    alphabet = string.ascii_letters + string.digits + ".-_+@'!#"
    endings = ["@example.com", "@a.b.c.org", "@x-y.co.uk", "@-a.com", "@a..com", "", ".com"]
    samples = list(EDGES)
    for _ in range(20_000):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20)))
        samples.append(body + rng.choice(endings))
    differ = [(v, _slow(v), _fast(v)) for v in samples if _slow(v) != _fast(v)]
    assert differ == []
