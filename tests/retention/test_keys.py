"""Record keys survive storage with their types, and digest the same however they are typed."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, time
from decimal import Decimal

from dataward.retention.keys import batch_digest, decode_keys, encode_keys, key_digest


def test_stored_keys_come_back_with_their_types() -> None:
    keys = [
        (1, "a"),
        (True, None),
        (date(2026, 3, 2), datetime(2026, 3, 2, 10, 0)),
        (Decimal("1.50"), uuid.UUID(int=5)),
        (b"\x00\xff", time(9, 30), 2.5),
    ]
    stored = json.loads(json.dumps(encode_keys(keys)))
    assert decode_keys(stored) == keys
    assert isinstance(decode_keys(stored)[0][0], int)


def test_a_key_typed_as_text_names_the_same_record() -> None:
    assert key_digest("calls", "recordings", (123,)) == key_digest("calls", "recordings", ("123",))
    assert key_digest("calls", "recordings", (123,)) != key_digest("calls", "other", (123,))
    assert key_digest("calls", "recordings", ("1,2",)) != key_digest("calls", "recordings", (1, 2))


def test_a_batch_digest_does_not_depend_on_order() -> None:
    digests = [key_digest("s", "c", (n,)) for n in range(5)]
    assert batch_digest(digests) == batch_digest(reversed(digests))
    assert batch_digest(digests) != batch_digest(digests[:4])
