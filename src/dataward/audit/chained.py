"""What the database writes for each stored event when `audit verify` reads the log fast, and
the link (sequence, prev_hash, hash) the verifier checks it by."""

from __future__ import annotations

from typing import NamedTuple

ISO_UTC_PATTERN = 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'

# prev_hash ‖ canonical bytes of the event, written by the database. Keys in sorted order, as
# canonical() writes them; strings through the database's JSON quoting; `at` as the hash covers
# it; the details as stored (canonical text). Any NULL in it (a details NULL) makes it NULL.
SQLITE_CHAINED = (
    "CAST(prev_hash || '{\"action\":' || json_quote(action) || ',\"actor\":' || json_quote(actor)"
    " || ',\"at\":' || json_quote(replace(at, ' ', 'T') || '+00:00')"
    " || ',\"details\":' || details || ',\"object_id\":' || json_quote(object_id)"
    " || ',\"object_type\":' || json_quote(object_type) || ',\"sequence\":' || sequence"
    " || ',\"subject\":' || json_quote(subject) || '}' AS BLOB)"
)


def _pg_string(column: str) -> str:
    return f"coalesce(to_json({column})::text, 'null')"


POSTGRES_CHAINED = (
    "convert_to(prev_hash || '{\"action\":' || " + _pg_string("action") + " || ',\"actor\":' || "
    f"{_pg_string('actor')} || ',\"at\":' || to_json(to_char(timezone('UTC', at), "
    f"'{ISO_UTC_PATTERN}'))::text || ',\"details\":' || details::text || ',\"object_id\":' || "
    f"{_pg_string('object_id')} || ',\"object_type\":' || {_pg_string('object_type')} || "
    f"',\"sequence\":' || sequence || ',\"subject\":' || {_pg_string('subject')} || '}}', "
    "'UTF8')"
)


class Link(NamedTuple):
    """An event as the chain sees it: where it sits and what it hashes to."""

    sequence: int
    prev_hash: str
    hash: str
