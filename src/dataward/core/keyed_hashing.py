"""HMAC-SHA256 under one key, many times: the keyed index hashes every address and number of a
list, a million of them in a screen.

`hmac.new(key, message, sha256)` pads the key and hashes the two pads afresh on every call.
Here the inner and outer SHA-256 states are made once per key and copied per message, which
is what the HMAC construction (RFC 2104) computes, with two fewer compression rounds and no
key set-up per value. The digests are identical to `hmac.new`'s (a test compares them on
random keys and messages).
"""

from __future__ import annotations

import hashlib

BLOCK = 64  # SHA-256's block size in bytes
_INNER = bytes(x ^ 0x36 for x in range(256))
_OUTER = bytes(x ^ 0x5C for x in range(256))


class KeyedHasher:
    """HMAC-SHA256 under `key`: `hexdigest(message)` equals
    `hmac.new(key, message, hashlib.sha256).hexdigest()`."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(BLOCK, b"\0")
        self._inner = hashlib.sha256(key.translate(_INNER))
        self._outer = hashlib.sha256(key.translate(_OUTER))

    def _mac(self, message: bytes) -> hashlib._Hash:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer

    def digest(self, message: bytes) -> bytes:
        return self._mac(message).digest()

    def hexdigest(self, message: bytes) -> str:
        return self._mac(message).hexdigest()
