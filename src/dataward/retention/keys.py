"""Record keys: stored faithfully for resuming a batch, digested for evidence and holds."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from dataward.connectors.base import Key, integer_ids

# Each value keeps its type so a resumed batch binds `id IN (123)` and not `id IN ('123')`.
_ENCODERS: tuple[tuple[type, str], ...] = (
    (bool, "b"),
    (int, "i"),
    (float, "f"),
    (str, "s"),
    (datetime, "dt"),
    (date, "d"),
    (time, "t"),
    (Decimal, "n"),
    (uuid.UUID, "u"),
    (bytes, "x"),
)


def _encode_value(value: Any) -> list[Any]:
    if value is None:
        return ["z", None]
    for kind, tag in _ENCODERS:
        if isinstance(value, kind):
            if tag in ("b", "i", "f", "s"):
                return [tag, value]
            if isinstance(value, bytes):
                return [tag, value.hex()]
            if isinstance(value, date | time):
                return [tag, value.isoformat()]
            return [tag, str(value)]
    raise TypeError(f"cannot store a key value of type {type(value).__name__}")


def _decode_value(item: Sequence[Any]) -> Any:
    tag, raw = item[0], item[1]
    decoders: dict[str, Any] = {
        "z": lambda _: None,
        "b": bool,
        "i": int,
        "f": float,
        "s": str,
        "dt": datetime.fromisoformat,
        "d": date.fromisoformat,
        "t": time.fromisoformat,
        "n": Decimal,
        "u": uuid.UUID,
        "x": bytes.fromhex,
    }
    return decoders[tag](raw)


def encode_keys(keys: Iterable[Key]) -> dict[str, Any]:
    """Keys as JSON that decodes to the same values and types.

    Integers and text (nearly every primary key) survive JSON as they are; anything else is
    tagged with its type."""
    listed = list(keys)
    if (ids := integer_ids(listed)) is not None:
        # An integer id (nearly every table): one text of digits, written and read back in a
        # few milliseconds for a batch of ten thousand, where a JSON list took ten times that.
        return {"ints": ",".join(map(int.__repr__, ids))}
    if all(type(v) is int or type(v) is str for key in listed for v in key):
        return {"plain": [list(key) for key in listed]}
    return {"tagged": [[_encode_value(v) for v in key] for key in listed]}


def decode_keys(stored: dict[str, Any]) -> list[Key]:
    if "ints" in stored:
        return [(int(text),) for text in stored["ints"].split(",") if text]
    if "plain" in stored:
        return [tuple(key) for key in stored["plain"]]
    return [tuple(_decode_value(item) for item in key) for key in stored["tagged"]]


def key_text(key: Key) -> str:
    """The key as an operator would type it: `123`, or `2024,17` for a composite key."""
    return ",".join("" if v is None else str(v) for v in key)


def key_digest(system: str, collection: str, key: Key) -> str:
    """SHA-256 naming one record: anyone holding the key can prove it was (or was not) acted on.

    Values are compared as text, so a key typed on the command line (`"123"`) names the same
    record as the connector's `(123,)`.
    """
    canonical = json.dumps(
        [system, collection, ["" if v is None else str(v) for v in key]],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Characters JSON must escape; text without them is its own JSON string body.
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def _json_text(value: str) -> str:
    return (
        f'"{value}"' if not _NEEDS_ESCAPE.search(value) else json.dumps(value, ensure_ascii=False)
    )


def key_digests(system: str, collection: str, keys: Iterable[Key]) -> list[str]:
    """`key_digest` of each key (the same bytes hashed), fast enough for million-row sweeps."""
    # json.dumps([system, collection, values]) is this prefix, the values' list, and "]".
    prefix = json.dumps([system, collection], ensure_ascii=False, separators=(",", ":"))[:-1]
    sha256 = hashlib.sha256
    listed = keys if isinstance(keys, list) else list(keys)
    if (ids := integer_ids(listed)) is not None:
        # The common case, an integer id: its text never needs escaping (twice as fast).
        return [sha256(f'{prefix},["{id_}"]]'.encode()).hexdigest() for id_ in ids]
    return [
        sha256(
            (
                prefix
                + ",["
                + ",".join(_json_text("" if v is None else str(v)) for v in key)
                + "]]"
            ).encode()
        ).hexdigest()
        for key in listed
    ]


def batch_digest(digests: Iterable[str], *, presorted: bool = False) -> str:
    """One SHA-256 over a batch's key digests, order-independent: of their sorted lines."""
    ordered = list(digests) if presorted else sorted(digests)
    # Each digest followed by a newline; one join, where a line each cost three times as much.
    lines = "\n".join(ordered) + "\n" if ordered else ""
    return hashlib.sha256(lines.encode("ascii")).hexdigest()
