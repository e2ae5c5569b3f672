"""A person's records in one collection, as staff open them in the console or the API.

Every view is written down before anything is read: an ordinary collection's view to the audit
log, a restricted collection's (one with `restricted_roles`) to the access register as well,
with the role that allowed it and the reason given. A view the roles do not allow is recorded
too, as a restricted view with its finding, and nothing is read.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from dataward.access import service
from dataward.access.rules import restricted_roles as restricted_roles
from dataward.access.schemas import AccessEventIn
from dataward.audit import service as audit
from dataward.connectors.registry import environ_for_jobs
from dataward.connectors.service import FoundRecord, Identities, find_person, open_connectors
from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.errors import NotFound, UsageError
from dataward.core.identifiers import normalise_email, normalise_phone
from dataward.policy.schema import AccessKind
from dataward.policy.service import LoadedPolicy

SOURCE = "dataward"  # the register's source for views made through Dataward itself
VIEWED = "records.viewed"
REFUSED = "records.refused"


@dataclass(frozen=True)
class ViewDecision:
    allowed: bool
    restricted: bool
    roles: tuple[str, ...]  # the roles the data map names (empty: not restricted)
    event_id: str | None  # the register's event, for a restricted collection

    @property
    def refusal(self) -> str:
        return (
            f"only these roles may open this collection: {', '.join(self.roles)}"
            if self.roles
            else ""
        )


@dataclass(frozen=True)
class Lookup:
    """Whose records: by email address or by phone number (one of them, normalised)."""

    email: str | None = None
    phone: str | None = None

    @classmethod
    def of(cls, *, email: str = "", phone: str = "") -> Lookup:
        email, phone = email.strip(), phone.strip()
        if bool(email) == bool(phone):
            raise UsageError(
                "give the person's email address or their phone number, one of them",
                fix="look a person up by one identity at a time",
            )
        if email:
            return cls(email=normalise_email(email))
        return cls(phone=normalise_phone(phone))

    def hashed(self, keyring: Keyring) -> str:
        """The keyed hash the audit log names the person by (never the address itself)."""
        if self.email is not None:
            return keyring.identifier_hash("email", self.email)
        assert self.phone is not None
        return keyring.identifier_hash("phone", self.phone)

    @property
    def identities(self) -> Identities:
        return Identities.of(email=self.email, phone=self.phone)


def configured_environ(settings: Settings) -> dict[str, str]:
    """Where the systems are, as jobs see it (DATAWARD_SYSTEMS_ENV_FILE)."""
    return environ_for_jobs(settings.systems_env_file)


def declared(loaded: LoadedPolicy, system: str, collection: str) -> None:
    found = loaded.policy.system(system)
    dataset = found.dataset if found else None
    if dataset is None or not any(c.name == collection for c in dataset.collections):
        raise NotFound(
            f"no collection {collection!r} in a system {system!r} of the data map",
            fix="choose a system and collection the data map declares",
        )


def record_view(
    *,
    session: Session,
    clock: Clock,
    keyring: Keyring,
    loaded: LoadedPolicy,
    actor: str,
    actor_name: str,
    job_roles: Collection[str],
    who: Lookup,
    system: str,
    collection: str,
    reason: str | None,
) -> ViewDecision:
    """Decide whether this account may see the records, and write that down first."""
    declared(loaded, system, collection)
    person = who.hashed(keyring.attached(session))
    roles = tuple(restricted_roles(loaded.policy, system, collection))
    where = {"system": system, "collection": collection, "person": person}
    if not roles:
        audit.record(
            session=session, clock=clock, actor=actor, action=VIEWED,
            object_type="collection", object_id=f"{system}.{collection}", details=where,
        )  # fmt: skip
        return ViewDecision(allowed=True, restricted=False, roles=(), event_id=None)
    if not reason or not reason.strip():
        raise UsageError(
            "this collection is restricted: say why you need to open it",
            fix="give a reason, e.g. 'complaint C-104: checking what was said'",
        )
    held = sorted(set(job_roles) & set(roles))
    event_id = f"view-{secrets.token_hex(8)}"
    event = AccessEventIn(
        event_id=event_id,
        kind=AccessKind.RESTRICTED_VIEW,
        engineer=actor_name[:200] or actor,
        started_at=clock.now(),
        role=held[0] if held else (sorted(job_roles)[0] if job_roles else "none"),
        system=system,
        collection=collection,
    )
    (done,) = service.ingest(
        session=session, clock=clock, keyring=keyring, policy=loaded.policy, source=SOURCE,
        events=[event], actor=actor, notes=[reason.strip()],
    )  # fmt: skip
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=VIEWED if held else REFUSED,
        object_type="collection",
        object_id=f"{system}.{collection}",
        details={**where, "register": f"{SOURCE}:{event_id}", "findings": done.findings},
    )
    return ViewDecision(allowed=bool(held), restricted=True, roles=roles, event_id=event_id)


def record_shown(
    *,
    session: Session,
    clock: Clock,
    keyring: Keyring,
    actor: str,
    who: Lookup,
    system: str,
    collection: str,
) -> None:
    """The records of a restricted view already granted are shown (again): logged too."""
    person = who.hashed(keyring.attached(session))
    audit.record(
        session=session, clock=clock, actor=actor, action=VIEWED, object_type="collection",
        object_id=f"{system}.{collection}",
        details={"system": system, "collection": collection, "person": person, "granted": True},
    )  # fmt: skip


def read_records(
    *, loaded: LoadedPolicy, environ: Mapping[str, str], who: Lookup, system: str, collection: str
) -> list[FoundRecord]:
    """The person's records in that collection, found as an access request finds them."""
    connectors = open_connectors(loaded, environ=environ, systems=[system])
    try:
        found = find_person(loaded, connectors, who.identities)
    finally:
        for connector in connectors.values():
            connector.close()
    return [r for r in found.records if r.system == system and r.collection == collection]


def shown(record: FoundRecord) -> dict[str, object]:
    """A record as the console and the API show it: each field's value as text."""
    return {
        "key": [_text(part) for part in record.key],
        "fields": {name: _text(value) for name, value in record.row.items()},
    }


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
