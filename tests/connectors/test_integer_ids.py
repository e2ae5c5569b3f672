"""integer_ids: the fast test a sweep makes of every batch's keys, and what it must refuse."""

from __future__ import annotations

from typing import Any

import pytest

from dataward.connectors.base import integer_ids
from dataward.retention.keys import decode_keys, encode_keys, key_digest, key_digests


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ([(1,), (2,), (30,)], [1, 2, 30]),
        ([], []),
        ([(1,), (True,)], None),  # a boolean is not an id, though Python calls it an int
        ([(1,), ("2",)], None),
        ([(1, 2)], None),
        ([(1,), ()], None),
        ([(1.0,)], None),
    ],
)
def test_only_keys_of_one_plain_integer_are_ids(
    keys: list[Any], expected: list[int] | None
) -> None:
    assert integer_ids(keys) == expected


@pytest.mark.parametrize("keys", [[(1,), (2,)], [(1,), (True,)], [(1, "a"), (2, "b")], []])
def test_keys_survive_storage_and_hash_as_one_at_a_time(keys: list[Any]) -> None:
    assert decode_keys(encode_keys(keys)) == keys
    assert key_digests("crm", "contacts", keys) == [
        key_digest("crm", "contacts", key) for key in keys
    ]
