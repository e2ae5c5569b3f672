"""The canonical bytes of an event, and the chain hash over them.

Every event ever written was hashed over `json.dumps(sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`. orjson with OPT_SORT_KEYS gives the same bytes for everything except a
few number forms, and is several times faster; `canonical()` uses it and falls back to the
reference encoder wherever the two could differ, so no existing chain changes (the property
test in tests/audit/test_canonical.py holds the two to the same bytes).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

import orjson

# Python writes floats below 1e-4 as "1e-05"; orjson writes "0.00001" or "1e-7". Output with
# either shape (rare, and strings that merely look like it are fine) takes the reference path.
_MAY_DIFFER = re.compile(rb"0\.0000|e-")
# orjson reads integers past 64 bits as floats, json as ints: such text is read by json.
_LONG_INTEGER = re.compile(r"\d{19}")


# What orjson would write but json refuses or writes otherwise (dates, dataclasses, subclasses
# of str and int such as enums) is passed through, so that it raises and json decides.
_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)


def reference_canonical(value: Any) -> bytes:
    """The encoding every chain was built with: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def canonical(value: Any) -> bytes:
    """Byte for byte `reference_canonical(value)` for plain JSON values (what json.loads gives),
    computed with orjson where the two agree. orjson also writes UUIDs and plain enums, which
    json refuses: values from outside are checked with reference_canonical (record() does)."""
    try:
        fast = orjson.dumps(value, option=_OPTIONS)
    except (orjson.JSONEncodeError, TypeError):
        return reference_canonical(value)
    if _MAY_DIFFER.search(fast) is not None or (b"null" in fast and _has_non_finite(value)):
        return reference_canonical(value)
    return fast


def _has_non_finite(value: Any) -> bool:
    # orjson writes NaN and infinities as null; the reference encoder refuses them.
    if isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    if isinstance(value, dict):
        return any(_has_non_finite(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_non_finite(item) for item in value)
    return False


def load_details(text: str | bytes | None) -> Any:
    """Details as stored (JSON text), read exactly as the json module reads them."""
    if text is None:
        return None
    raw = text.decode("utf-8") if isinstance(text, bytes) else text
    if _LONG_INTEGER.search(raw) is not None:
        return json.loads(raw)
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


def moment_text(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def fields_bytes(
    *,
    sequence: int,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    subject: str | None,
    details: Any,
) -> bytes:
    """The canonical bytes of an event's content (everything but the hashes)."""
    return canonical(
        {
            "sequence": sequence,
            "at": moment_text(at),
            "actor": actor,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "subject": subject,
            "details": details,
        }
    )


def stored_bytes(
    *,
    sequence: int,
    at_text: str,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None,
    subject: str | None,
    details_text: str,
) -> bytes:
    """The canonical bytes of an event if its details were stored as canonical text.

    Events are stored that way (models.CanonicalJSON), so verify hashes the stored text as it
    is. If the text is not canonical (an event stored before, or tampered with) these bytes
    differ and the hash does not match: the caller then falls back to fields_bytes().
    """
    # Keys in sorted order already, and strings and integers encode as json.dumps encodes them.
    before = orjson.dumps({"action": action, "actor": actor, "at": at_text})
    after = orjson.dumps(
        {
            "object_id": object_id,
            "object_type": object_type,
            "sequence": sequence,
            "subject": subject,
        }
    )
    return b"".join((before[:-1], b',"details":', details_text.encode("utf-8"), b",", after[1:]))


def chain_hash(prev_hash: str, payload: bytes) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + payload).hexdigest()
