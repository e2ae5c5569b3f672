"""Record keys survive storage with their types, and digest the same however they are typed."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime, time
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dataward.retention.keys import (
    batch_digest,
    decode_keys,
    encode_keys,
    key_digest,
    key_digests,
)


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


def test_integer_and_text_keys_are_stored_as_they_are() -> None:
    keys = [(1, "a"), (2, "b")]
    stored = json.loads(json.dumps(encode_keys(keys)))
    assert stored == {"plain": [[1, "a"], [2, "b"]]}
    assert decode_keys(stored) == keys
    # A boolean is not an integer here: it keeps its type through the tagged form.
    assert decode_keys(json.loads(json.dumps(encode_keys([(True,)])))) == [(True,)]


def test_a_key_typed_as_text_names_the_same_record() -> None:
    assert key_digest("calls", "recordings", (123,)) == key_digest("calls", "recordings", ("123",))
    assert key_digest("calls", "recordings", (123,)) != key_digest("calls", "other", (123,))
    assert key_digest("calls", "recordings", ("1,2",)) != key_digest("calls", "recordings", (1, 2))


def test_a_batch_digest_does_not_depend_on_order() -> None:
    digests = [key_digest("s", "c", (n,)) for n in range(5)]
    assert batch_digest(digests) == batch_digest(reversed(digests))
    assert batch_digest(digests) != batch_digest(digests[:4])


def test_digesting_a_batch_gives_each_key_its_own_digest() -> None:
    keys = [(1,), ("a,b", None), ("ünïcode", 2.5), (date(2026, 3, 2),), ('q"\\x\n', "\u2028")]
    assert key_digests("sys", "coll", keys) == [key_digest("sys", "coll", k) for k in keys]


@given(
    st.lists(
        st.tuples(st.one_of(st.text(), st.integers(), st.none(), st.booleans(), st.floats())),
        max_size=5,
    ),
    st.text(min_size=1),
)
def test_batch_digests_match_single_digests_for_any_value(
    keys: list[tuple[object]], name: str
) -> None:
    assert key_digests(name, "c", keys) == [key_digest(name, "c", k) for k in keys]


def test_integer_keys_take_the_fast_path_to_the_same_digests() -> None:
    keys = [(1,), (-7,), (10**20,), (0,)]
    assert key_digests("sys", 'c"q', keys) == [key_digest("sys", 'c"q', k) for k in keys]


def test_a_batch_digest_is_the_hash_of_its_sorted_lines() -> None:
    # Stored evidence is checked against this for years: the bytes hashed must never change.
    digests = ["b" * 64, "a" * 64]
    lines = ("a" * 64 + "\n" + "b" * 64 + "\n").encode("ascii")
    assert batch_digest(digests) == hashlib.sha256(lines).hexdigest()
    assert batch_digest(iter(sorted(digests)), presorted=True) == batch_digest(digests)
    assert batch_digest([]) == hashlib.sha256(b"").hexdigest()
