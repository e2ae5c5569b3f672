"""Staff passwords: argon2id hashes, checks, and the stand-in hash for unknown accounts."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dataward.core.errors import UsageError

SHORTEST_PASSWORD = 12

# argon2id with the library's defaults (RFC 9106's second recommendation, 64 MiB).
_hasher = PasswordHasher()


def new_password() -> str:
    return secrets.token_urlsafe(18)


def hash_password(password: str) -> str:
    if len(password) < SHORTEST_PASSWORD:
        raise UsageError(
            f"the password is shorter than {SHORTEST_PASSWORD} characters",
            fix="choose a longer one",
        )
    return _hasher.hash(password)


def password_matches(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def dummy_hash() -> str:
    """Verified against when the email is unknown, so that answering takes as long either way.

    Made at the first such sign-in, not at import: hashing takes 64 MiB and a tenth of a
    second, which every process importing the accounts service (the web server, most
    commands) would otherwise pay for a sign-in most of them never see. Two threads racing
    here may each make one; either serves, being the hash of a random secret no one knows.
    """
    return _hasher.hash(secrets.token_urlsafe(16))
