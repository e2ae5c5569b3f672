"""The fast canonical encoding gives exactly the bytes every existing chain was hashed over."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataward.audit.canonical import (
    canonical,
    fields_bytes,
    load_details,
    moment_text,
    reference_canonical,
    stored_bytes,
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # unbounded: past 64 bits orjson gives up and the reference path answers
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
MANY = settings(max_examples=400, deadline=None)


@MANY
@given(json_values)
def test_canonical_bytes_are_the_reference_bytes_for_any_json_value(value: Any) -> None:
    assert canonical(value) == reference_canonical(value)


@MANY
@given(st.dictionaries(st.text(), json_values, max_size=5))
def test_details_read_back_from_stored_text_hash_as_before(details: dict[str, Any]) -> None:
    # What SQLAlchemy stored (json.dumps with its defaults), read back the fast way.
    stored = json.dumps(details)
    assert canonical(load_details(stored)) == reference_canonical(json.loads(stored))


@MANY
@given(
    sequence=st.integers(1, 2**62),
    actor=st.text(),
    object_id=st.none() | st.text(),
    details=st.dictionaries(st.text(), json_values, max_size=5),
)
def test_event_fields_encode_as_the_reference_encoder_did(
    sequence: int, actor: str, object_id: str | None, details: dict[str, Any]
) -> None:
    at = datetime(2026, 3, 2, 10, 0, 0, 123, tzinfo=UTC)
    expected = reference_canonical(
        {
            "sequence": sequence,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": "a.b",
            "object_type": "t",
            "object_id": object_id,
            "subject": None,
            "details": details,
        }
    )
    made = fields_bytes(
        sequence=sequence,
        at=at,
        actor=actor,
        action="a.b",
        object_type="t",
        object_id=object_id,
        subject=None,
        details=details,
    )
    assert made == expected


@pytest.mark.parametrize("value", [1e-5, 1e-7, 2.5e-300, -3e-5, 1e16, 1e22, 0.0001, 2**64])
def test_number_forms_where_orjson_differs_take_the_reference_path(value: float) -> None:
    assert canonical({"x": value}) == reference_canonical({"x": value})


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused_as_the_reference_encoder_refuses_them(
    value: float,
) -> None:
    with pytest.raises(ValueError):
        canonical({"x": [value]})


@MANY
@given(
    sequence=st.integers(1, 2**62),
    actor=st.text(),
    subject=st.none() | st.text(),
    details=st.dictionaries(st.text(), json_values, max_size=5),
)
def test_hashing_the_stored_canonical_text_gives_the_same_bytes(
    sequence: int, actor: str, subject: str | None, details: dict[str, Any]
) -> None:
    # What record_many hashes and verify hashes first: the details text spliced in as stored.
    at = datetime(2026, 3, 2, 10, 0, 0, 5, tzinfo=UTC)
    common: dict[str, Any] = {
        "sequence": sequence,
        "actor": actor,
        "action": "rights.request.opened",
        "object_type": "rights_request",
        "object_id": None,
        "subject": subject,
    }
    spliced = stored_bytes(
        **common, at_text=moment_text(at), details_text=canonical(details).decode("utf-8")
    )
    assert spliced == fields_bytes(**common, at=at, details=details)
