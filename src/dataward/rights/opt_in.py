"""An objection reaches the source systems: the opt-in columns a channel names are set false.

A channel may name where a system keeps its opt-in (`opt_in: crm.contacts.email_ok`). An
objection to that channel's purpose writes `false` into those columns of the person's own
records through the system's connector, with an audit event naming the records by digest, so
the CRM itself stops marketing to them. Systems without such a column keep the manual task.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from dataward.connectors.base import Connector
from dataward.connectors.provenance import OWN
from dataward.connectors.service import FoundRecord
from dataward.policy.schema import Policy
from dataward.rights.context import ExecutionContext
from dataward.rights.holdings import covers
from dataward.rights.models import RightsRequest
from dataward.rights.steps import event, key_digest


def opt_in_columns(policy: Policy, purposes: Sequence[str], system: str) -> dict[str, list[str]]:
    """collection → opt-in fields in `system` of the channels these purposes reach."""
    columns: dict[str, list[str]] = {}
    for channel in policy.channels.values():
        purpose = channel.purpose
        if purpose is None or not any(covers(p, purpose) or covers(purpose, p) for p in purposes):
            continue
        for path in channel.opt_in:
            owner, collection, field = path.split(".", 2)
            fields = columns.setdefault(collection, []) if owner == system else None
            if fields is not None and field not in fields:
                fields.append(field)
    return columns


def write_opt_outs(
    ctx: ExecutionContext,
    request: RightsRequest,
    system: str,
    connector: Connector,
    records: Sequence[FoundRecord],
) -> tuple[bool, int]:
    """Write false into the system's opt-in columns for the person's own records.

    Returns (whether the system names an opt-in column for these purposes, connector tries);
    a system that names one needs no hands, even when the person has no row there to change."""
    columns = opt_in_columns(ctx.policy, request.purposes, system)
    tries = 0
    for collection, fields in columns.items():
        keys = [r.key for r in records if r.collection == collection and r.via == OWN]
        if not keys:
            continue
        changes = dict.fromkeys(fields, False)
        changed, used = ctx.retry.run(partial(connector.rectify, collection, keys, changes))
        tries = max(tries, used)
        event(
            ctx,
            request,
            "rights.objection.opt_in_withdrawn",
            {
                "system": system,
                "collection": collection,
                "fields": fields,
                "records": changed,
                "key_digests": [key_digest(ctx, system, collection, k) for k in keys],
            },
        )
    return bool(columns), tries
