"""The person a request is about, decrypted for the length of a run and never stored again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dataward.connectors.traversal import Identities
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict
from dataward.people import service as people
from dataward.people.models import Person
from dataward.rights import intake
from dataward.rights.models import RightsRequest
from dataward.rights.schemas import RequesterIdentities


@dataclass(frozen=True)
class Requester:
    person: Person
    email: str | None
    phone: str | None
    name: str | None
    extra: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def identities(self) -> Identities:
        given = RequesterIdentities(email=self.email, phone=self.phone, extra=self.extra)
        return Identities(given.by_type()).normalised()

    def secrets(self) -> set[str]:
        """Every identifying value, to keep out of stored error messages."""
        values = {v for v in (self.email, self.phone, self.name) if v}
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
    return Requester(
        person=person,
        email=shown.email,
        phone=shown.phone,
        name=shown.name,
        extra=dict(sealed.extra_identities),
        details=sealed.details,
    )
