"""Intake of a rights request: who it is about, what it covers, and its clock from receipt.

Email and phone go to the encrypted people store; extra identities and free-form details are
sealed under the requester's own key, so forgetting the person makes them unreadable.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import Clock, today
from dataward.core.crypto import Keyring, normalise_email, normalise_phone
from dataward.core.errors import UsageError
from dataward.people import service as people
from dataward.people.models import Person
from dataward.policy.schema import Policy
from dataward.policy.service import LoadedPolicy
from dataward.rights.deadlines import due_date
from dataward.rights.identities import record_given
from dataward.rights.models import RequestKind, RequestState, RightsRequest
from dataward.rights.schemas import EMAIL, PHONE_NUMBER, RequesterIdentities, SealedDetails

S = RequestState
# Kinds where the person names the purposes (data_use keys) they object to or want restricted.
PURPOSE_KINDS = frozenset({RequestKind.OBJECTION, RequestKind.RESTRICTION})


def declared_identities(policy: Policy) -> set[str]:
    """Identity types that some dataset field declares, so a connector can search by them."""
    return {
        field.identity
        for system in policy.systems
        if system.dataset is not None
        for collection in system.dataset.collections
        for field in collection.fields
        if field.identity is not None
    }


def _normalised_identities(identities: RequesterIdentities, policy: Policy) -> RequesterIdentities:
    email = normalise_email(identities.email) if identities.email else None
    phone = normalise_phone(identities.phone) if identities.phone else None
    if email is None and phone is None:
        raise UsageError(
            "a request needs the requester's email address or phone number, to verify them and"
            " to reply",
            fix="add --email or --phone",
        )
    known = declared_identities(policy) - {EMAIL, PHONE_NUMBER}
    # A system whose dataset is still a file reference may declare more; trust the key then.
    unresolved = any(s.dataset is None and s.dataset_file for s in policy.systems)
    extra: dict[str, str] = {}
    for kind, value in identities.extra.items():
        kind, value = kind.strip(), value.strip()
        if kind in (EMAIL, PHONE_NUMBER, "phone"):
            raise UsageError(f"give {kind} with --email or --phone, not as a reference")
        if not value:
            raise UsageError(f"the reference {kind!r} has no value", fix="--ref KEY=VALUE")
        if kind not in known and not unresolved:
            choices = ", ".join(sorted(known)) or "none are declared"
            raise UsageError(
                f"no system searches by {kind!r}",
                fix=f"use an identity declared on a dataset field ({choices})",
            )
        extra[kind] = value
    return RequesterIdentities(email=email, phone=phone, extra=extra)


def _checked_purposes(kind: RequestKind, purposes: Iterable[str], policy: Policy) -> list[str]:
    wanted = list(dict.fromkeys(p.strip() for p in purposes if p.strip()))
    if not wanted:
        return []
    if kind not in PURPOSE_KINDS:
        raise UsageError(
            f"purposes apply to objection and restriction requests, not to {kind.value}",
            fix="drop --purpose",
        )
    known = {activity.purpose for activity in policy.activities}
    unknown = [p for p in wanted if p not in known]
    if unknown:
        raise UsageError(
            f"the policy has no activity with purpose {', '.join(map(repr, unknown))}",
            fix=f"use one of: {', '.join(sorted(known))}",
        )
    return wanted


def open_request(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    actor: str,
    kind: RequestKind | str,
    identities: RequesterIdentities,
    policy: LoadedPolicy,
    received_on: date | None = None,
    purposes: Iterable[str] = (),
    details: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> RightsRequest:
    """Record a request as received and start its clock on the day of receipt."""
    try:
        kind = RequestKind(kind)
    except ValueError as exc:
        raise UsageError(
            f"unknown request kind {kind!r}",
            fix=f"use one of: {', '.join(k.value for k in RequestKind)}",
        ) from exc
    now = clock.now()
    received_on = received_on or today(clock)
    if received_on > today(clock):
        raise UsageError(f"a request cannot be received in the future ({received_on})")
    checked = _normalised_identities(identities, policy.policy)
    chosen = _checked_purposes(kind, purposes, policy.policy)
    person = people.register_person(
        session=session,
        keyring=keyring,
        clock=clock,
        email=checked.email,
        phone=checked.phone,
        name=name,
    )
    nation = policy.policy.organisation.nation
    sealed = SealedDetails(extra_identities=dict(checked.extra), details=dict(details or {}))
    request = RightsRequest(
        # Unique until the id is known; the reference is derived from the id so that two
        # requests opened at once can never be given the same one.
        reference=f"pending-{secrets.token_hex(8)}",
        kind=kind,
        state=S.RECEIVED,
        person_id=person.id,
        person_pseudonym=person.pseudonym,
        nation=nation.value,
        received_on=received_on,
        start_on=received_on,
        due_on=due_date(received_on, nation),
        paused_days=0,
        purposes=chosen,
        details_ct=people.seal(
            session=session,
            keyring=keyring,
            person=person,
            plaintext=sealed.model_dump_json().encode("utf-8"),
        ),
        policy_path=str(policy.path),
        policy_digest=policy.digest,
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    request.reference = f"DW-{received_on.year}-{request.id:06d}"
    record_given(session=session, request=request, identities=checked.by_type())
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="rights.request.opened",
        object_type="rights_request",
        object_id=request.reference,
        subject=person.pseudonym,
        details={
            "kind": kind.value,
            "received_on": received_on.isoformat(),
            "due_on": request.due_on.isoformat(),
            "identity_types": sorted(checked.by_type()),
            "purposes": chosen,
            "policy_digest": request.policy_digest,
        },
    )
    return request


def request_person(*, session: Session, request: RightsRequest) -> Person:
    return people.get_person(session=session, pseudonym=request.person_pseudonym)


def _sealed(*, session: Session, keyring: Keyring, request: RightsRequest) -> SealedDetails:
    return sealed_details(
        session=session,
        keyring=keyring,
        request=request,
        person=request_person(session=session, request=request),
    )


def sealed_details(
    *, session: Session, keyring: Keyring, request: RightsRequest, person: Person
) -> SealedDetails:
    """What the request holds sealed under `person`'s key (its requester, already loaded)."""
    if request.details_ct is None:
        return SealedDetails()
    plaintext = people.unseal(
        session=session, keyring=keyring, person=person, ciphertext=request.details_ct
    )
    return SealedDetails.model_validate_json(plaintext)


def request_identities(
    *, session: Session, keyring: Keyring, request: RightsRequest
) -> RequesterIdentities:
    """Everything the request identifies the person by, decrypted for execution."""
    person = request_person(session=session, request=request)
    known = people.reveal(session=session, keyring=keyring, person=person)
    sealed = _sealed(session=session, keyring=keyring, request=request)
    return RequesterIdentities(email=known.email, phone=known.phone, extra=sealed.extra_identities)


def request_details(
    *, session: Session, keyring: Keyring, request: RightsRequest
) -> dict[str, Any]:
    """The sealed free-form details: rectification changes, the requester's own words."""
    return _sealed(session=session, keyring=keyring, request=request).details
