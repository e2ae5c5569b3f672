"""One-click unsubscribe links: signed, naming the person by pseudonym and the channel.

A link carries no address: the pseudonym finds the person in the encrypted people store.
Following it (or a mail client's RFC 8058 one-click POST) records the withdrawal in the
ledger and puts the address on the suppression list in the same transaction. A second click
changes nothing, so a mail client that posts twice does no harm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from dataward.consent import service as suppression
from dataward.consent.ledger import (
    Entry,
    LedgerAction,
    Medium,
    Method,
    Wording,
    append,
    history,
    purpose_name,
)
from dataward.consent.preferences import latest
from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.errors import NotFound, UsageError
from dataward.core.signing import sign, unsign
from dataward.people import service as people
from dataward.people.service import PersonErased
from dataward.policy.schema import ChannelKind, Policy

SALT = "consent.unsubscribe"
# An old message's link must still work: PECR wants an opt-out in every message, whenever it
# is read. The signature, not the age, is what protects it.
LINK_LASTS_SECONDS = 10 * 366 * 24 * 3600
# What the confirmation page says: the wording the ledger records for a click.
PAGE_VERSION = "unsubscribe page v1"
PAGE_TEXT = (
    "Unsubscribe from {channel} by {medium}? We will record that you withdrew, and we will not "
    "send you marketing at this address again."
)
MAX_LINKS = 10_000


@dataclass(frozen=True)
class Link:
    """What a token says: whose link it is, and for which channel and medium."""

    pseudonym: str
    channel: str
    medium: Medium

    @property
    def page_text(self) -> str:
        medium = "any means" if self.medium is Medium.ALL else self.medium.value
        return PAGE_TEXT.format(channel=self.channel, medium=medium)


@dataclass(frozen=True)
class Outcome:
    link: Link
    recorded: bool  # False: it was already withdrawn (a second click)


def _marketing_channel(policy: Policy, channel: str, medium: str) -> tuple[str, Medium]:
    name = purpose_name(channel)
    found = policy.channels.get(name)
    if found is None or found.kind is not ChannelKind.MARKETING:
        raise UsageError(
            f"{channel!r} is not a marketing channel of the policy",
            fix="unsubscribe links are for marketing channels; service messages have none",
        )
    try:
        chosen = Medium(medium.strip().lower())
    except ValueError:
        raise UsageError(f"{medium!r} is not a medium", fix="use email, sms, post or all") from None
    if chosen is not Medium.ALL and chosen.value not in {m.value for m in found.media}:
        raise UsageError(f"the {name} channel does not carry {chosen.value}")
    return name, chosen


def make_tokens(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    settings: Settings,
    policy: Policy,
    emails: list[str],
    channel: str,
    medium: str = "all",
) -> list[tuple[str, str]]:
    """(email, token) for each address; the people store learns addresses it did not hold."""
    if len(emails) > MAX_LINKS:
        raise UsageError(f"at most {MAX_LINKS:,} links at a time", fix="ask in smaller batches")
    name, chosen = _marketing_channel(policy, channel, medium)
    tokens = []
    for email in emails:
        person = people.register_person(session=session, keyring=keyring, clock=clock, email=email)
        payload = {"p": person.pseudonym, "c": name, "m": chosen.value}
        tokens.append((email, sign(settings, salt=SALT, payload=payload)))
    return tokens


def read_token(settings: Settings, token: str) -> Link:
    """The link's meaning; UsageError for a token altered, forged or malformed."""
    if len(token) > 1000:
        raise UsageError("the link was altered or is not ours", fix="use the link in the message")
    payload: Any = unsign(settings, salt=SALT, token=token, max_age_seconds=LINK_LASTS_SECONDS)
    try:
        return Link(
            pseudonym=str(payload["p"]),
            channel=purpose_name(str(payload["c"])),
            medium=Medium(str(payload["m"])),
        )
    except (KeyError, TypeError, ValueError, UsageError) as exc:
        raise UsageError(
            "the link was altered or is not ours", fix="use the link in the message"
        ) from exc


def unsubscribe(
    *, session: Session, keyring: Keyring, clock: Clock, settings: Settings, token: str
) -> Outcome:
    """Record the withdrawal and suppress the address, once."""
    link = read_token(settings, token)
    try:
        person = people.get_person(session=session, pseudonym=link.pseudonym)
    except NotFound as exc:
        raise NotFound("this unsubscribe link names nobody we hold", fix="nothing to do") from exc
    events = history(session=session, pseudonym=person.pseudonym, purposes=[link.channel])
    now = latest(events, link.medium.value)
    if (
        now is not None
        and now.action == LedgerAction.WITHDRAWN.value
        and now.medium
        in (
            link.medium.value,
            Medium.ALL.value,
        )
    ):
        return Outcome(link, recorded=False)
    append(
        session=session,
        keyring=keyring,
        clock=clock,
        actor="web:unsubscribe",
        person=person,
        identifier_hash=person.email_hash,
        entry=Entry(
            purpose=link.channel,
            medium=link.medium,
            action=LedgerAction.WITHDRAWN,
            wording=Wording.of(PAGE_VERSION, link.page_text),
            method=Method.UNSUBSCRIBE_LINK,
        ),
    )
    try:
        details = people.reveal(session=session, keyring=keyring, person=person)
    except PersonErased:
        return Outcome(link, recorded=True)  # nothing left to suppress: no address is held
    every = link.medium is Medium.ALL
    email = details.email if every or link.medium is Medium.EMAIL else None
    phone = details.phone if every or link.medium is Medium.SMS else None
    if email is not None or phone is not None:
        suppression.suppress(
            session=session,
            keyring=keyring,
            clock=clock,
            actor="web:unsubscribe",
            email=email,
            phone=phone,
            reason="unsubscribe link",
        )
    return Outcome(link, recorded=True)
