"""Master-key rotation: every wrapped key re-wrapped, nothing re-encrypted, hashes unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from dataward.audit.verify import verify
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring, new_key
from dataward.core.errors import ConfigurationError
from dataward.people import keys
from dataward.people import service as people


def test_rotation_rewraps_keys_and_leaves_ciphertexts_and_hashes_alone(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    everyone = [
        people.register_person(
            session=session, keyring=keyring, clock=clock, email=f"p{n}@example.com", name=f"P{n}"
        )
        for n in range(5)
    ]
    gone = everyone.pop()
    people.forget(session=session, keyring=keyring, clock=clock, person=gone, actor="t", reason="x")
    sealed = people.seal(session=session, keyring=keyring, person=everyone[0], plaintext=b"kept")
    before = {p.id: (p.wrapped_key, p.email_ct, p.email_hash) for p in everyone}
    master = new_key()
    done = keys.rotate(session=session, keyring=keyring, clock=clock, new_master=master, actor="t")
    assert done.people_rewrapped == 4
    assert done.old_fingerprint == keyring.fingerprint != done.new_fingerprint

    fresh = Keyring(master)
    for n, person in enumerate(everyone):
        wrapped, email_ct, email_hash = before[person.id]
        assert person.wrapped_key != wrapped
        assert (person.email_ct, person.email_hash) == (email_ct, email_hash)
        found = people.find_person(session=session, keyring=fresh, email=f"p{n}@example.com")
        assert found is person
    assert people.reveal(session=session, keyring=fresh, person=everyone[1]).name == "P1"
    assert (
        people.unseal(session=session, keyring=fresh, person=everyone[0], ciphertext=sealed)
        == b"kept"
    )
    assert verify(session=session).ok


def test_after_rotation_the_old_master_key_is_refused_by_name(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    keyring.attach(session)
    master = new_key()
    done = keys.rotate(session=session, keyring=keyring, clock=clock, new_master=master, actor="t")
    with pytest.raises(ConfigurationError, match=done.new_fingerprint):
        Keyring(keyring._master).attach(session)


def test_rotating_to_the_same_key_is_refused(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    with pytest.raises(ConfigurationError, match="is the current one"):
        keys.rotate(
            session=session, keyring=keyring, clock=clock, new_master=keyring._master, actor="t"
        )


def test_status_says_whether_the_configured_key_fits(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    people.register_person(session=session, keyring=keyring, clock=clock, email="a@example.com")
    state = keys.status(session=session, keyring=keyring)
    assert state.matches and state.people_with_keys == 1 and state.people_forgotten == 0
    other = keys.status(session=session, keyring=Keyring(new_key()))
    assert not other.matches
    assert other.stored_fingerprint == keyring.fingerprint
