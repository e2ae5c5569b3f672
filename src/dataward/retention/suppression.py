"""Rules marked `suppress: true` (people who unsubscribed): their addresses outlive the rows.

Before a batch of such rows is deleted (or anonymised), the addresses and numbers in its
identity fields go on the suppression list, in the transaction that records the batch as
pending: the delete at the source happens only after that commit, so no row is ever gone
without its entry, and a sweep resumed after a crash finds the entries already there (the
rows it would read them from may be gone by then).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from dataward.connectors.base import Connector, Key
from dataward.consent import service as consent
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.retention.plan import Target


class Sweeping(Protocol):
    """What the collection sweeper brings: its transaction, clock, keys and actor."""

    session: Session
    clock: Clock
    keyring: Keyring
    actor: str


def keep_suppressed(
    sweep: Sweeping, target: Target, connector: Connector, keys: Sequence[Key]
) -> int:
    """Suppress the addresses of the rows about to go; how many entries were new."""
    if not target.suppress:
        return 0
    fields = target.key_fields
    wanted = set(keys)
    rows = connector.fetch(target.collection, {fields[0]: sorted({k[0] for k in keys})})
    identifiers = [
        (kind, str(row[name]))
        for row in rows
        if tuple(row[n] for n in fields) in wanted
        for name, kind in target.suppress
        if row.get(name)
    ]
    added = consent.suppress_many(
        session=sweep.session,
        keyring=sweep.keyring,
        clock=sweep.clock,
        actor=sweep.actor,
        identifiers=identifiers,
        reason=f"retention rule {target.rule_name}: {target.system}/{target.collection}",
    )
    return added.added
