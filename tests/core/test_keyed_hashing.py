"""The keyed hasher gives exactly hmac.new's HMAC-SHA256, for any key and message."""

from __future__ import annotations

import hashlib
import hmac
import random

import pytest

from dataward.core.keyed_hashing import KeyedHasher


@pytest.mark.parametrize("key_length", [0, 1, 16, 32, 63, 64, 65, 100, 200])
def test_same_digests_as_hmac_new(key_length: int) -> None:
    rng = random.Random(key_length)
    key = rng.randbytes(key_length)
    hasher = KeyedHasher(key)
    for length in [0, 1, 20, 55, 56, 63, 64, 65, 127, 128, 1000, *rng.sample(range(2000), 20)]:
        message = rng.randbytes(length)
        expected = hmac.new(key, message, hashlib.sha256)
        assert hasher.hexdigest(message) == expected.hexdigest()
        assert hasher.digest(message) == expected.digest()


def test_reused_states_are_not_disturbed() -> None:
    # The saved states are copied, never updated: the same message twice gives the same digest.
    hasher = KeyedHasher(b"k" * 32)
    first = hasher.hexdigest(b"email:a@example.com")
    hasher.hexdigest(b"something else entirely")
    assert hasher.hexdigest(b"email:a@example.com") == first


def test_keyring_hashes_are_hmac_sha256_of_kind_and_normalised_value() -> None:
    from dataward.core.crypto import Keyring, new_key

    keyring = Keyring(new_key())
    keyring._index_key = index_key = new_key()
    for kind, value, message in [
        ("email", " Person@Example.COM ", b"email:person@example.com"),
        ("phone_number", "07700 900123", b"phone:+447700900123"),
    ]:
        expected = hmac.new(index_key, message, hashlib.sha256).hexdigest()
        assert keyring.identifier_hash(kind, value) == expected
    assert (
        keyring.digest("row-1") == hmac.new(index_key, b"digest\0row-1", hashlib.sha256).hexdigest()
    )
