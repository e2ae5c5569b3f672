"""The consent ledger: append-only events, each written with its audit event.

A person's current state for a purpose and medium is simply the latest event that covers it
(`preferences.py`); nothing here ever changes a row. Each row's digest goes into its audit
event, so `verify_ledger` (run by `dataward audit verify`) names a row altered, removed or
slipped in behind Dataward's back.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from enum import StrEnum
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.consent.models import ConsentEvent
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.people import service as people
from dataward.people.models import Person

OBJECT_TYPE = "consent_event"
ACTION_PREFIX = "consent.ledger."


class LedgerAction(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    OBJECTED = "objected"
    # Contact details obtained in a sale or negotiation, with a way to opt out offered then:
    # the ground of the soft opt-in (PECR reg 22(3)), not consent.
    SALE = "sale"


class Method(StrEnum):
    WEB_FORM = "web-form"
    ORDER_FORM = "order-form"
    CALL_NOTE = "call-note"
    UNSUBSCRIBE_LINK = "unsubscribe-link"
    PRIVACY_CENTRE = "privacy-centre"
    IMPORT = "import"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in-person"


class Medium(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"
    POST = "post"
    AUTOMATED_CALL = "automated_call"
    # Every medium of a channel, or a purpose that is not about contacting anyone at all
    # (publishing a testimonial).
    ALL = "all"


PURPOSE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def purpose_name(value: str) -> str:
    """A channel or purpose name as the ledger keeps it: lower case, no spaces."""
    name = value.strip().lower()
    if not PURPOSE_PATTERN.match(name):
        raise UsageError(
            f"{value!r} is not a purpose or channel name",
            fix="use the channel's name in the policy (e.g. marketing) or a short purpose "
            "name of letters, digits, dots and dashes (e.g. feedback-publication)",
        )
    return name


E = TypeVar("E", bound=StrEnum)


def choice(kind: type[E], value: str, what: str) -> E:
    try:
        return kind(value.strip().lower())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise UsageError(f"{value!r} is not a {what}", fix=f"use one of: {allowed}") from None


def text_digest(text: str) -> str:
    """The SHA-256 of the exact wording shown: the same text always gives the same digest."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Wording:
    """What the person was shown: a form or notice version and the digest of its text."""

    version: str
    digest: str

    @classmethod
    def of(cls, version: str, text: str) -> Wording:
        if not version.strip():
            raise UsageError(
                "say which wording the person saw", fix="e.g. 'order form v3' or 'notice 7'"
            )
        if len(version) > 120:
            raise UsageError("the wording version is longer than 120 characters")
        if not text.strip():
            raise UsageError(
                "the wording shown is empty",
                fix="give the exact text of the checkbox, form or script the person saw",
            )
        return cls(version.strip(), text_digest(text))


@dataclass(frozen=True)
class Contact:
    """Who the event is about: their email and/or phone (and name, kept encrypted)."""

    email: str | None = None
    phone: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if self.email is None and self.phone is None:
            raise UsageError("give the person's email or phone number")


@dataclass(frozen=True)
class Entry:
    """One event to write; `organisation` and `given_by` for consent given for a school."""

    purpose: str
    medium: Medium
    action: LedgerAction
    wording: Wording
    method: Method
    source_digest: str | None = None
    organisation: str | None = None
    given_by: Contact | None = None


def _identifier_hash(keyring: Keyring, contact: Contact) -> str:
    if contact.email is not None:
        return keyring.identifier_hash("email", contact.email)
    assert contact.phone is not None  # Contact refuses neither
    return keyring.identifier_hash("phone", contact.phone)


def organisation_hash(keyring: Keyring, name: str) -> str:
    return keyring.identifier_hash("organisation", " ".join(name.casefold().split()))


def row_digest(row: ConsentEvent) -> str:
    """The SHA-256 of every column: what the audit event vouches for."""
    fields = {
        "id": row.id,
        "pseudonym": row.pseudonym,
        "identifier_hash": row.identifier_hash,
        "purpose": row.purpose,
        "medium": row.medium,
        "action": row.action,
        "wording_version": row.wording_version,
        "wording_digest": row.wording_digest,
        "method": row.method,
        "source_digest": row.source_digest,
        "organisation_hash": row.organisation_hash,
        "organisation_sealed": row.organisation_sealed,
        "given_by": row.given_by,
        "recorded_by": row.recorded_by,
        "recorded_at": row.recorded_at.astimezone(UTC).isoformat(),
    }
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


def record(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    contact: Contact,
    entry: Entry,
) -> ConsentEvent:
    """Append one event for this person (registered in the people store if new)."""
    person = people.register_person(
        session=session,
        keyring=keyring,
        clock=clock,
        email=contact.email,
        phone=contact.phone,
        name=contact.name,
    )
    return append(
        session=session,
        keyring=keyring,
        clock=clock,
        actor=actor,
        person=person,
        identifier_hash=_identifier_hash(keyring, contact),
        entry=entry,
    )


def append(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    person: Person,
    identifier_hash: str | None,
    entry: Entry,
) -> ConsentEvent:
    """Append one event for a person already known (the unsubscribe link names a pseudonym)."""
    keyring.attach(session)
    purpose = purpose_name(entry.purpose)
    giver = None
    if entry.given_by is not None:
        giver = people.register_person(
            session=session,
            keyring=keyring,
            clock=clock,
            email=entry.given_by.email,
            phone=entry.given_by.phone,
            name=entry.given_by.name,
        ).pseudonym
    sealed = org_hash = None
    if entry.organisation is not None:
        if not entry.organisation.strip() or len(entry.organisation) > 300:
            raise UsageError("the organisation's name must be 1 to 300 characters")
        org_hash = organisation_hash(keyring, entry.organisation)
        sealed = keyring.seal_note(
            entry.organisation.strip(), context="consent_events.organisation", session=session
        )
    row = ConsentEvent(
        pseudonym=person.pseudonym,
        identifier_hash=identifier_hash,
        purpose=purpose,
        medium=entry.medium.value,
        action=entry.action.value,
        wording_version=entry.wording.version,
        wording_digest=entry.wording.digest,
        method=entry.method.value,
        source_digest=entry.source_digest,
        organisation_hash=org_hash,
        organisation_sealed=sealed,
        given_by=giver,
        recorded_by=actor[:200],
        recorded_at=clock.now().astimezone(UTC),
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=ACTION_PREFIX + row.action,
        object_type=OBJECT_TYPE,
        object_id=str(row.id),
        subject=person.pseudonym,
        details={
            "purpose": purpose,
            "medium": row.medium,
            "method": row.method,
            "wording_version": row.wording_version,
            "row": row_digest(row),
        },
    )
    return row


def history(
    *, session: Session, pseudonym: str, purposes: Sequence[str] = ()
) -> list[ConsentEvent]:
    """Every event of this person, oldest first (optionally only for these purposes)."""
    query = select(ConsentEvent).where(ConsentEvent.pseudonym == pseudonym)
    if purposes:
        query = query.where(ConsentEvent.purpose.in_(purposes))
    return list(session.scalars(query.order_by(ConsentEvent.id)))


def events_for(
    *, session: Session, pseudonyms: Iterable[str], purpose: str
) -> dict[str, list[ConsentEvent]]:
    """The events of many people for one purpose, oldest first, grouped by pseudonym."""
    found: dict[str, list[ConsentEvent]] = {}
    names = sorted(set(pseudonyms))
    if not names:
        return found
    rows = session.scalars(
        select(ConsentEvent)
        .where(ConsentEvent.pseudonym.in_(names), ConsentEvent.purpose == purpose)
        .order_by(ConsentEvent.id)
    )
    for row in rows:
        found.setdefault(row.pseudonym, []).append(row)
    return found


def for_organisation(*, session: Session, keyring: Keyring, name: str) -> list[ConsentEvent]:
    keyring.attach(session)
    wanted = organisation_hash(keyring, name)
    return list(
        session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.organisation_hash == wanted)
            .order_by(ConsentEvent.id)
        )
    )


def organisation_of(keyring: Keyring, row: ConsentEvent) -> str | None:
    if row.organisation_sealed is None:
        return None
    return keyring.open_note(row.organisation_sealed, context="consent_events.organisation")
