"""Registering, finding, revealing, sealing and forgetting people."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.audit.models import AuditEvent
from dataward.audit.verify import verify
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring, new_key
from dataward.core.errors import ConfigurationError, NotFound, UsageError
from dataward.people import service as people
from dataward.people.models import Person


def test_registering_stores_only_ciphertexts_and_keyed_hashes(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    person = people.register_person(
        session=session,
        keyring=keyring,
        clock=clock,
        email="Alice@Example.com",
        phone="07700 900123",
        name="Alice Smith",
    )
    assert person.pseudonym.startswith("p_") and len(person.pseudonym) == 18
    stored = [person.email_ct, person.phone_ct, person.name_ct, person.wrapped_key]
    for value in stored:
        assert value is not None
        for plain in (b"alice", b"Alice", b"7700900123", b"Smith"):
            assert plain not in value
    assert person.email_hash == keyring.identifier_hash("email", "alice@example.com")
    assert person.phone_hash == keyring.identifier_hash("phone", "+447700900123")


def test_reveal_gives_back_the_normalised_details(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    person = people.register_person(
        session=session,
        keyring=keyring,
        clock=clock,
        email="Alice@Example.com",
        phone="07700 900123",
        name=" Alice Smith ",
    )
    details = people.reveal(session=session, keyring=keyring, person=person)
    assert details == people.PersonDetails(
        pseudonym=person.pseudonym,
        email="alice@example.com",
        phone="+447700900123",
        name="Alice Smith",
    )


def test_registering_again_finds_the_same_person_and_fills_in_what_was_missing(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    first = people.register_person(
        session=session, keyring=keyring, clock=clock, email="a@example.com"
    )
    again = people.register_person(
        session=session,
        keyring=keyring,
        clock=clock,
        email="A@EXAMPLE.COM",
        phone="+44 7700 900124",
        name="Ann",
    )
    assert again.id == first.id
    assert people.find_person(session=session, keyring=keyring, phone="07700900124") is first
    details = people.reveal(session=session, keyring=keyring, person=first)
    assert (details.phone, details.name) == ("+447700900124", "Ann")
    registered = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "people.person.registered")
    ).all()
    assert len(registered) == 1


def test_registering_never_overwrites_details_already_held(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    person = people.register_person(
        session=session, keyring=keyring, clock=clock, email="a@example.com", name="Ann"
    )
    people.register_person(
        session=session, keyring=keyring, clock=clock, email="a@example.com", name="Mallory"
    )
    assert people.reveal(session=session, keyring=keyring, person=person).name == "Ann"


def test_a_phone_already_held_by_someone_else_is_not_moved(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    bob = people.register_person(session=session, keyring=keyring, clock=clock, phone="07700900125")
    ann = people.register_person(
        session=session, keyring=keyring, clock=clock, email="ann@example.com"
    )
    people.register_person(
        session=session, keyring=keyring, clock=clock, email="ann@example.com", phone="07700900125"
    )
    assert ann.phone_hash is None
    assert people.find_person(session=session, keyring=keyring, phone="07700900125") is bob


def test_find_tries_email_then_phone_and_returns_none_for_strangers(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    person = people.register_person(
        session=session, keyring=keyring, clock=clock, email="a@example.com", phone="07700900126"
    )
    assert (
        people.find_person(
            session=session, keyring=keyring, email="b@example.com", phone="07700900126"
        )
        is person
    )
    assert people.find_person(session=session, keyring=keyring, email="b@example.com") is None
    assert people.find_person(session=session, keyring=keyring) is None


def test_a_person_needs_something_to_be_known_by(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    with pytest.raises(UsageError):
        people.register_person(session=session, keyring=keyring, clock=clock, name="  ")
    with pytest.raises(UsageError, match="not a valid email"):
        people.register_person(session=session, keyring=keyring, clock=clock, email="nope")


def test_sealed_data_opens_only_for_its_own_person(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    ann = people.register_person(
        session=session, keyring=keyring, clock=clock, email="ann@example.com"
    )
    bob = people.register_person(
        session=session, keyring=keyring, clock=clock, email="bob@example.com"
    )
    sealed = people.seal(session=session, keyring=keyring, person=ann, plaintext=b'{"dob": "1980"}')
    assert b"1980" not in sealed
    assert (
        people.unseal(session=session, keyring=keyring, person=ann, ciphertext=sealed)
        == b'{"dob": "1980"}'
    )
    with pytest.raises(ConfigurationError, match="belongs to another person"):
        people.unseal(session=session, keyring=keyring, person=bob, ciphertext=sealed)


def test_forgetting_destroys_the_key_and_the_hashes(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    person = people.register_person(
        session=session, keyring=keyring, clock=clock, email="ann@example.com", name="Ann"
    )
    sealed = people.seal(session=session, keyring=keyring, person=person, plaintext=b"notes")
    clock.advance(days=3)
    people.forget(
        session=session,
        keyring=keyring,
        clock=clock,
        person=person,
        actor="cli:dpo",
        reason="erasure request DW-2026-000001",
    )
    session.expire_all()
    stored = session.get(Person, person.id)
    assert stored is not None
    assert (stored.wrapped_key, stored.email_hash, stored.phone_hash, stored.email_ct) == (
        None,
        None,
        None,
        None,
    )
    assert people.find_person(session=session, keyring=keyring, email="ann@example.com") is None
    with pytest.raises(people.PersonErased, match="erased on 2026-03-05"):
        people.reveal(session=session, keyring=keyring, person=stored)
    with pytest.raises(people.PersonErased, match="erased on 2026-03-05"):
        people.unseal(session=session, keyring=keyring, person=stored, ciphertext=sealed)


def test_forgetting_is_audited_by_pseudonym_and_the_chain_still_verifies(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    person = people.register_person(
        session=session, keyring=keyring, clock=clock, email="ann@example.com"
    )
    people.forget(
        session=session,
        keyring=keyring,
        clock=clock,
        person=person,
        actor="cli:dpo",
        reason="Art 17",
    )
    people.forget(
        session=session,
        keyring=keyring,
        clock=clock,
        person=person,
        actor="cli:dpo",
        reason="again",
    )
    events = list(audit.events(session=session, where=audit.EventFilter(subject=person.pseudonym)))
    assert [e.action for e in events] == ["people.person.registered", "people.person.forgotten"]
    for event in events:
        assert "ann" not in audit.event_bytes(event).decode()
    assert verify(session=session).ok


def test_a_forgotten_person_who_returns_is_a_new_person(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    old = people.register_person(
        session=session, keyring=keyring, clock=clock, email="ann@example.com"
    )
    people.forget(
        session=session, keyring=keyring, clock=clock, person=old, actor="cli:dpo", reason="x"
    )
    new = people.register_person(
        session=session, keyring=keyring, clock=clock, email="ann@example.com"
    )
    assert new.id != old.id and new.pseudonym != old.pseudonym
    assert people.find_person(session=session, keyring=keyring, email="ann@example.com") is new


def test_a_different_master_key_cannot_read_anyone(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    person = people.register_person(
        session=session, keyring=keyring, clock=clock, email="ann@example.com"
    )
    with pytest.raises(ConfigurationError, match="cannot unwrap"):
        people.reveal(session=session, keyring=Keyring(new_key()), person=person)


def test_get_person_by_pseudonym(session: Session, keyring: Keyring, clock: FixedClock) -> None:
    person = people.register_person(session=session, keyring=keyring, clock=clock, name="Ann")
    assert people.get_person(session=session, pseudonym=person.pseudonym) is person
    with pytest.raises(NotFound):
        people.get_person(session=session, pseudonym="p_missing")
