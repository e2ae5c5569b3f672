"""The person a request is about, decrypted for the length of a run and never stored again.

Only the identities that were proved are searched by (identities.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dataward.connectors.service import Identities
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict
from dataward.people import service as people
from dataward.people.models import Person
from dataward.rights import identities, intake
from dataward.rights.identities import Dropped
from dataward.rights.models import RightsRequest
from dataward.rights.schemas import EMAIL, PHONE_NUMBER, RequesterIdentities


@dataclass(frozen=True)
class Requester:
    person: Person
    email: str | None
    phone: str | None
    name: str | None
    extra: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    # Identities given but not proved: never searched by, only kept out of error messages.
    dropped: list[Dropped] = field(default_factory=list)
    unproved_values: frozenset[str] = frozenset()

    @property
    def identities(self) -> Identities:
        given = RequesterIdentities(email=self.email, phone=self.phone, extra=self.extra)
        return Identities(given.by_type()).normalised()

    def secrets(self) -> set[str]:
        """Every identifying value, to keep out of stored error messages."""
        values = {v for v in (self.email, self.phone, self.name) if v}
        values.update(self.unproved_values)
        values.update(v for v in self.extra.values() if v)
        for kinds in self.identities.values.values():
            values.update(kinds)
        changes = self.details.get("changes")
        if isinstance(changes, dict):
            values.update(str(v) for v in changes.values() if v)
        return values


def requester_of(session: Session, keyring: Keyring, request: RightsRequest) -> Requester:
    person = intake.request_person(session=session, request=request)
    if person.forgotten:
        raise Conflict(
            f"the requester of {request.reference} ({person.pseudonym}) was erased from "
            "Dataward, so the systems cannot be searched for them any more",
            fix="open a new request with the person's details if they ask again",
        )
    # The person is read once and their details decrypted once, for the whole run.
    shown = people.reveal(session=session, keyring=keyring, person=person)
    sealed = intake.sealed_details(session=session, keyring=keyring, request=request, person=person)
    given = RequesterIdentities(
        email=shown.email, phone=shown.phone, extra=dict(sealed.extra_identities)
    )
    proved = identities.proved(request)
    unproved = {
        value for kind, values in given.by_type().items() if kind not in proved for value in values
    }
    return Requester(
        person=person,
        email=given.email if EMAIL in proved else None,
        phone=given.phone if PHONE_NUMBER in proved else None,
        name=shown.name,
        extra={kind: value for kind, value in given.extra.items() if kind in proved},
        details=sealed.details,
        dropped=identities.dropped(request, given.by_type()),
        unproved_values=frozenset(unproved),
    )
