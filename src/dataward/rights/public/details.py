""" "My details": what the business holds about a person, read live from its systems, and the
corrections they make to what the policy marks correctable.

The search is the access request's own (connectors.service.find_person over every connected
system). What a restricted activity uses (`restricted_roles`) is never shown here: the page
says it exists and that an access request returns it. A correction is a rectification request
with its own reference, verified by the code the person just proved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.connectors.provenance import BEYOND, OWN
from dataward.connectors.registry import environ_for_jobs
from dataward.connectors.service import FoundRecord, Identities, find_person, open_connectors
from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.people import service as people
from dataward.rights import identities, service, verification
from dataward.rights.context import require_configured
from dataward.rights.holdings import related
from dataward.rights.models import IdentityMethod, RequestKind, RightsRequest, VerificationMethod
from dataward.rights.packages import plain
from dataward.rights.public.proofs import ACTOR
from dataward.rights.public.requests import LONGEST_VALUE
from dataward.rights.public.site import Site
from dataward.rights.rectification import normalise_change
from dataward.rights.schemas import EMAIL, RequesterIdentities

Place = tuple[str, str]


@dataclass(frozen=True)
class Detail:
    """One value held, where, and whether the person may correct it here."""

    field_id: str  # system.collection.field: the name of its edit box
    label: str
    place: str
    value: str
    correctable: bool
    category: str


@dataclass
class Group:
    title: str
    details: list[Detail] = field(default_factory=list)


@dataclass
class MyDetails:
    groups: list[Group]
    restricted: list[str]  # what restricted activities hold, named as the notice does
    records: int

    def correctable(self) -> dict[str, Detail]:
        return {d.field_id: d for g in self.groups for d in g.details if d.correctable}


def restricted_places(site: Site) -> dict[Place, list[str]]:
    """(system, collection) → the restricted activities using what it holds."""
    places: dict[Place, list[str]] = {}
    for activity in site.policy.activities:
        if not activity.restricted_roles:
            continue
        for system_name, collection_name, item in site.fields():
            if system_name in activity.systems and any(
                related(mine, theirs)
                for mine in item.categories
                for theirs in activity.categories
                if theirs.startswith("user.")
            ):
                names = places.setdefault((system_name, collection_name), [])
                if activity.name not in names:
                    names.append(activity.name)
    return places


def _shown(value: Any) -> str:
    shown = plain(value)
    if isinstance(shown, dict) and "base64" in shown:
        return "(a file or binary value: ask for a copy of your data to get it)"
    return str(shown)


def _humane(name: str) -> str:
    return name.replace("_", " ").strip().capitalize()


def search(site: Site, settings: Settings, email: str) -> list[FoundRecord]:
    environ = environ_for_jobs(settings.systems_env_file)
    require_configured(site.loaded, environ=environ)
    connectors = open_connectors(site.loaded, environ=environ)
    try:
        return find_person(site.loaded, connectors, Identities.of(email=email)).records
    finally:
        for connector in connectors.values():
            connector.close()


def arrange(site: Site, records: list[FoundRecord]) -> MyDetails:
    restricted = restricted_places(site)
    marked = {f"{s}.{c}.{f.name}": f for s, c, f in site.fields() if f.correctable}
    groups: dict[str, Group] = {}
    hidden: list[str] = []
    shown_records = 0
    for record in records:
        if record.via == BEYOND:
            continue
        if (record.system, record.collection) in restricted:
            hidden.extend(restricted[(record.system, record.collection)])
            continue
        shown_records += 1
        held = dict(record.categories)
        if record.via == OWN:
            # An empty correctable field is shown too: completing it is a correction (Art 16).
            prefix = f"{record.system}.{record.collection}."
            for field_id, item in marked.items():
                if field_id.startswith(prefix):
                    held.setdefault(item.name, list(item.categories))
        for name, categories in held.items():
            personal = [c for c in categories if c.startswith("user.")]
            value = record.row.get(name)
            field_id = f"{record.system}.{record.collection}.{name}"
            if not personal or ((value is None or value == "") and field_id not in marked):
                continue
            category = max(personal, key=lambda c: c.count("."))
            name_of = site.category_name(category)
            title = name_of[:1].upper() + name_of[1:]
            groups.setdefault(title, Group(title)).details.append(
                Detail(
                    field_id=field_id,
                    label=_humane(name),
                    place=f"{record.system} ({record.collection.replace('_', ' ')})",
                    value="" if value is None else _shown(value),
                    correctable=field_id in marked and record.via == OWN,
                    category=category,
                )
            )
    restricted_names = sorted(dict.fromkeys(hidden))
    return MyDetails(
        groups=sorted(groups.values(), key=lambda g: g.title),
        restricted=restricted_names,
        records=shown_records,
    )


def read_details(
    *, session: Session, keyring: Keyring, clock: Clock, settings: Settings, site: Site, email: str
) -> MyDetails:
    """Search every system for the address, and record that the person looked."""
    details = arrange(site, search(site, settings, email))
    keyring.attach(session)
    person = people.find_person(session=session, keyring=keyring, email=email)
    audit.record(
        session=session,
        clock=clock,
        actor=ACTOR,
        action="rights.public.details_viewed",
        object_type="person",
        object_id=person.pseudonym if person else None,
        subject=person.pseudonym if person else None,
        details={"records": details.records, "restricted_hidden": len(details.restricted)},
    )
    return details


def corrections(current: MyDetails, submitted: Mapping[str, str]) -> dict[str, str]:
    """Category → new value, for the correctable details the person changed."""
    editable = current.correctable()
    changes: dict[str, str] = {}
    for field_id, text in submitted.items():
        detail = editable.get(field_id)
        if detail is None:
            continue  # not correctable here, or not theirs: ignored, never written
        value = text.strip()
        if value == detail.value.strip():
            continue
        if not value or len(value) > LONGEST_VALUE:
            raise UsageError(
                f"{detail.label} cannot be left empty or be longer than {LONGEST_VALUE} characters",
                fix="to have it deleted, make an erasure request instead",
            )
        value = normalise_change(detail.category, value)
        if changes.get(detail.category, value) != value:
            raise UsageError(
                f"{detail.label} was given two different new values",
                fix="give the same value in each box showing it",
            )
        changes[detail.category] = value
    if not changes:
        raise UsageError("nothing was changed", fix="edit a box, then save")
    return changes


def open_correction(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    site: Site,
    email: str,
    changes: Mapping[str, str],
) -> RightsRequest:
    """A rectification request, proved by the code the person entered for "My details", and
    queued to run like any verified request."""
    request = service.open_request(
        session=session,
        keyring=keyring,
        clock=clock,
        actor=ACTOR,
        kind=RequestKind.RECTIFICATION,
        identities=RequesterIdentities(email=email),
        policy=site.loaded,
        details={"changes": dict(changes), "note": "corrected on the My details page"},
    )
    identities.prove(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        identity=EMAIL,
        method=IdentityMethod.EMAIL_CODE,
        actor=ACTOR,
        evidence="one-time code sent to the requester's email address for My details",
    )
    verification.mark_verified(
        session=session,
        keyring=keyring,
        clock=clock,
        request=request,
        actor=ACTOR,
        method=VerificationMethod.EMAIL_CODE,
        evidence="one-time code sent to the requester's email address for My details",
    )
    return request
