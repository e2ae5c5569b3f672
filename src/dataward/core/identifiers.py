"""The one normaliser of identifiers: an email address or a phone number written any way a
person or a system writes it gives one canonical form, so it always hashes and matches the same.
"""

from __future__ import annotations

import re

from dataward.core.errors import UsageError

PHONE_KINDS = {"phone", "phone_number"}
DEFAULT_REGION = "GB"  # national numbers are UK numbers


# A plain ASCII address (dot-atoms, a letters-only top-level domain that is not special-use,
# within the length limits): the form of nearly every row of a mailing list. The validator gives
# it back lower-cased, so it is lower-cased here without the validator, 20 times faster; tests
# compare the two paths. Anything else takes the slow path.
_ATOM = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_PLAIN_EMAIL = re.compile(rf"(?i)({_ATOM}(?:\.{_ATOM})*)@((?:{_LABEL}\.)+([a-z]{{2,63}}))")
# The special-use top-level names the validator refuses by default (RFC 6761 and the IANA
# registry), here so that the fast path need not import the validator (a test compares them).
SPECIAL_USE_TOP_LEVEL = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def _plain_email(stripped: str) -> str | None:
    plain = _PLAIN_EMAIL.fullmatch(stripped)
    if (
        plain is not None
        and len(plain.group(1)) <= 64
        and len(stripped) <= 254
        and plain.group(3).lower() not in SPECIAL_USE_TOP_LEVEL
        and "xn--" not in plain.group(2).lower()  # punycode: the validator decodes it
        # Two characters then "--" starts a label reserved for IDNA: the validator refuses it.
        and not any(label[2:4] == "--" for label in plain.group(2).split("."))
    ):
        return stripped.lower()
    return None


def normalise_email(value: str) -> str:
    """Lower-case, syntactically valid address; the same person always hashes the same."""
    if (plain := _plain_email(value.strip())) is not None:
        return plain
    # Here, not at the top: its tables take longer to build than a command takes to start.
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise UsageError(
            f"{value!r} is not a valid email address: {exc}",
            fix="give a full address such as name@example.co.uk",
        ) from exc
    return checked.normalized.lower()


# A UK number written plainly (01234 567890 without the space, or +441234567890): the form of
# every line of the TPS file, 18 million of them. The slow path gives the same answer for every
# such string (a test compares them), 16 times slower.
_PLAIN_UK = re.compile(r"(?:0|\+44)([1-9][0-9]{9})")


def normalise_phone(value: str, region: str = DEFAULT_REGION) -> str:
    """E.164 form (+447700900123); national numbers are read in `region`."""
    if region == "GB" and (plain := _PLAIN_UK.fullmatch(value)) is not None:
        return "+44" + plain.group(1)
    import phonenumbers  # here, not at the top: the web server need not load it to start

    try:
        parsed = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise UsageError(
            f"{value!r} is not a phone number: {exc}",
            fix="give a number such as 07700 900123 or +44 7700 900123",
        ) from exc
    # "Possible" (right length for the country) rather than "valid": the validity metadata
    # rejects Ofcom's reserved drama ranges (07700 900xxx) used in examples and tests, and
    # lags behind new allocations; matching only needs one canonical form per number.
    if not phonenumbers.is_possible_number(parsed):
        raise UsageError(
            f"{value!r} is not a valid phone number for region {region}",
            fix="check the digits, or give the number in international form (+44...)",
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_identifier(kind: str, value: str) -> tuple[str, str]:
    """The canonical (kind, value): phone and phone_number are one kind, so they match."""
    if kind == "email":
        return "email", normalise_email(value)
    if kind in PHONE_KINDS:
        return "phone", normalise_phone(value)
    return kind, value.strip()
