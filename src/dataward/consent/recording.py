"""Recording an event as an interface received it: names checked against the policy."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from dataward.consent import service as suppression
from dataward.consent.ledger import (
    Contact,
    Entry,
    LedgerAction,
    Medium,
    Method,
    Wording,
    choice,
    organisation_of,
    purpose_name,
    record,
)
from dataward.consent.models import ConsentEvent
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.policy.schema import ChannelKind, Policy


@dataclass(frozen=True)
class RecordRequest:
    """An event as an interface received it: names still to be checked."""

    purpose: str
    medium: str
    action: LedgerAction
    method: str
    wording: Wording
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    organisation: str | None = None
    given_by: str | None = None


def check_purpose(policy: Policy | None, purpose: str, medium: Medium) -> None:
    """Refuse an event about a service or emergency channel: nobody opts in or out of those."""
    if policy is None:
        return
    channel = policy.channels.get(purpose)
    if channel is None:
        return
    if channel.kind is not ChannelKind.MARKETING:
        raise Conflict(
            f"the {purpose} channel carries {channel.kind.value} messages: they are sent under "
            "the contract or for safety, so there is no consent to give or withdraw",
            fix="record consent for a marketing channel or a purpose of its own",
        )
    media = {m.value for m in channel.media}
    if medium is not Medium.ALL and medium.value not in media:
        raise UsageError(
            f"the {purpose} channel does not carry {medium.value}",
            fix=f"it carries: {', '.join(sorted(media))} (or --medium all)",
        )


def record_consent(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    request: RecordRequest,
    policy: Policy | None = None,
) -> ConsentEvent:
    """Check the names, then append; an objection also puts the address on the suppression
    list at once (an objection to direct marketing is absolute)."""
    purpose = purpose_name(request.purpose)
    medium = choice(Medium, request.medium, "medium")
    check_purpose(policy, purpose, medium)
    contact = Contact(email=request.email, phone=request.phone, name=request.name)
    if (request.organisation is None) != (request.given_by is None):
        raise UsageError(
            "consent for an organisation names both the organisation and who gave it",
            fix="give --organisation and --given-by together",
        )
    row = record(
        session=session,
        keyring=keyring,
        clock=clock,
        actor=actor,
        contact=contact,
        entry=Entry(
            purpose=purpose,
            medium=medium,
            action=request.action,
            wording=request.wording,
            method=choice(Method, request.method, "way consent was collected"),
            organisation=request.organisation,
            given_by=Contact(email=request.given_by) if request.given_by else None,
        ),
    )
    if request.action is LedgerAction.OBJECTED:
        suppression.suppress(
            session=session,
            keyring=keyring,
            clock=clock,
            actor=actor,
            email=request.email,
            phone=request.phone,
            reason="objection to direct marketing",
        )
    return row


def event_json(keyring: Keyring, row: ConsentEvent) -> dict[str, object]:
    """One event as the interfaces show it (pseudonyms, never an address)."""
    return {
        "id": row.id,
        "recorded_at": row.recorded_at.isoformat(),
        "pseudonym": row.pseudonym,
        "purpose": row.purpose,
        "medium": row.medium,
        "action": row.action,
        "how": row.method,
        "wording_version": row.wording_version,
        "wording_digest": row.wording_digest,
        "source_digest": row.source_digest,
        "organisation": organisation_of(keyring, row),
        "given_by": row.given_by,
        "recorded_by": row.recorded_by,
    }
