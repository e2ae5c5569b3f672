"""The people Dataward knows: register and find by keyed hash, reveal, seal, crypto-shred."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC

from cryptography.exceptions import InvalidTag
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import Clock, london_date
from dataward.core.crypto import Keyring, decrypt, encrypt, new_key, normalise_identifier
from dataward.core.errors import ConfigurationError, DatawardError, NotFound, UsageError
from dataward.people.models import Person

ENCRYPTED_FIELDS = ("name", "email", "phone")


class PersonErased(DatawardError):
    """The person was forgotten: their data key is gone and nothing of theirs can be read."""

    status_code = 410


@dataclass(frozen=True)
class PersonDetails:
    pseudonym: str
    email: str | None
    phone: str | None
    name: str | None


def new_pseudonym() -> str:
    return "p_" + secrets.token_hex(8)


def key_context(person: Person) -> str:
    return f"person:{person.pseudonym}"


def _aad(person: Person, field: str) -> bytes:
    # Binding the pseudonym and field stops a ciphertext being pasted onto another person
    # or into another field and still decrypting.
    return f"dataward:person:{person.pseudonym}:{field}".encode()


def _data_key(keyring: Keyring, person: Person) -> bytes:
    if person.wrapped_key is None:
        erased_on = london_date(person.forgotten_at) if person.forgotten_at else None
        when = f" on {erased_on.isoformat()}" if erased_on else ""
        raise PersonErased(
            f"this person's data was erased{when} ({person.pseudonym}); "
            "it cannot be read or recovered",
        )
    return keyring.unwrap(person.wrapped_key, context=key_context(person))


def _encrypt_field(key: bytes, person: Person, field: str, value: str | None) -> bytes | None:
    return None if value is None else encrypt(key, value.encode("utf-8"), aad=_aad(person, field))


def _decrypt_field(key: bytes, person: Person, field: str, value: bytes | None) -> str | None:
    if value is None:
        return None
    try:
        return decrypt(key, value, aad=_aad(person, field)).decode("utf-8")
    except InvalidTag as exc:
        raise ConfigurationError(
            f"the stored {field} of {person.pseudonym} does not decrypt: it was altered"
        ) from exc


def _normalised(kind: str, value: str | None) -> str | None:
    return None if value is None else normalise_identifier(kind, value)[1]


def _by_hash(session: Session, column: str, value: str) -> Person | None:
    attribute = getattr(Person, column)
    return session.scalar(select(Person).where(attribute == value).order_by(Person.id).limit(1))


def find_person(
    *, session: Session, keyring: Keyring, email: str | None = None, phone: str | None = None
) -> Person | None:
    """The person holding this email (first) or phone; None when nobody does."""
    keyring.attach(session)
    if email is not None:
        found = _by_hash(session, "email_hash", keyring.identifier_hash("email", email))
        if found is not None:
            return found
    if phone is not None:
        return _by_hash(session, "phone_hash", keyring.identifier_hash("phone", phone))
    return None


def get_person(*, session: Session, pseudonym: str) -> Person:
    person = session.scalar(select(Person).where(Person.pseudonym == pseudonym))
    if person is None:
        raise NotFound(f"no person {pseudonym!r}", fix="see `dataward people find --email E`")
    return person


def register_person(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    email: str | None = None,
    phone: str | None = None,
    name: str | None = None,
) -> Person:
    """The person with this email or phone, created if new; missing details are filled in."""
    email, phone = _normalised("email", email), _normalised("phone", phone)
    name = name.strip() or None if name is not None else None
    if email is None and phone is None and name is None:
        raise UsageError("a person needs an email, a phone number or a name")
    existing = find_person(session=session, keyring=keyring, email=email, phone=phone)
    if existing is not None:
        _fill_in(
            session=session, keyring=keyring, person=existing, email=email, phone=phone, name=name
        )
        return existing
    person = Person(pseudonym=new_pseudonym(), created_at=clock.now().astimezone(UTC))
    data_key = new_key()
    person.wrapped_key = keyring.wrap(data_key, context=key_context(person))
    person.email_hash = keyring.identifier_hash("email", email) if email else None
    person.phone_hash = keyring.identifier_hash("phone", phone) if phone else None
    person.email_ct = _encrypt_field(data_key, person, "email", email)
    person.phone_ct = _encrypt_field(data_key, person, "phone", phone)
    person.name_ct = _encrypt_field(data_key, person, "name", name)
    session.add(person)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor="system:people",
        action="people.person.registered",
        object_type="person",
        object_id=person.pseudonym,
        subject=person.pseudonym,
        details={"identifiers": [k for k, v in (("email", email), ("phone", phone)) if v]},
    )
    return person


def _fill_in(
    *,
    session: Session,
    keyring: Keyring,
    person: Person,
    email: str | None,
    phone: str | None,
    name: str | None,
) -> None:
    """Add what the record lacks; never overwrite (that is rectification, a rights request)."""
    if person.wrapped_key is None:
        return
    key = _data_key(keyring, person)
    if email and person.email_hash is None:
        taken = _by_hash(session, "email_hash", keyring.identifier_hash("email", email))
        if taken is None:
            person.email_hash = keyring.identifier_hash("email", email)
            person.email_ct = _encrypt_field(key, person, "email", email)
    if phone and person.phone_hash is None:
        taken = _by_hash(session, "phone_hash", keyring.identifier_hash("phone", phone))
        if taken is None:
            person.phone_hash = keyring.identifier_hash("phone", phone)
            person.phone_ct = _encrypt_field(key, person, "phone", phone)
    if name and person.name_ct is None:
        person.name_ct = _encrypt_field(key, person, "name", name)
    session.flush()


def reveal(*, session: Session, keyring: Keyring, person: Person) -> PersonDetails:
    """The decrypted email, phone and name; PersonErased once the person is forgotten."""
    key = _data_key(keyring, person)
    return PersonDetails(
        pseudonym=person.pseudonym,
        email=_decrypt_field(key, person, "email", person.email_ct),
        phone=_decrypt_field(key, person, "phone", person.phone_ct),
        name=_decrypt_field(key, person, "name", person.name_ct),
    )


def seal(*, session: Session, keyring: Keyring, person: Person, plaintext: bytes) -> bytes:
    """Encrypt personal data another domain keeps, under this person's data key."""
    return encrypt(_data_key(keyring, person), plaintext, aad=_aad(person, "sealed"))


def unseal(*, session: Session, keyring: Keyring, person: Person, ciphertext: bytes) -> bytes:
    key = _data_key(keyring, person)
    try:
        return decrypt(key, ciphertext, aad=_aad(person, "sealed"))
    except InvalidTag as exc:
        raise ConfigurationError(
            f"sealed data of {person.pseudonym} does not decrypt: it was altered, or it "
            "belongs to another person"
        ) from exc


def forget(
    *, session: Session, keyring: Keyring, clock: Clock, person: Person, actor: str, reason: str
) -> None:
    """Crypto-shred: destroy the data key and the hashes; sealed copies become unreadable."""
    if person.wrapped_key is None:
        return
    if not reason.strip():
        raise UsageError("say why this person is forgotten", fix="--reason 'erasure request ...'")
    person.wrapped_key = None
    person.email_hash = person.phone_hash = None
    person.email_ct = person.phone_ct = person.name_ct = None
    person.forgotten_at = clock.now().astimezone(UTC)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="people.person.forgotten",
        object_type="person",
        object_id=person.pseudonym,
        subject=person.pseudonym,
        details={"reason": reason},
    )
