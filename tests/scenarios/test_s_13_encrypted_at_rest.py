"""S-13: personal data held by Dataward itself is encrypted at rest.

And the crypto-shredding half of S-06: once a person is forgotten, what was sealed for them
cannot be decrypted with any key the database holds, and a backup taken before the erasure
becomes unreadable once the master key it was made under is rotated away and destroyed.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from people.factories import own_database
from sqlalchemy import Engine, inspect, select, text

from dataward.audit.verify import verify
from dataward.consent import service as consent
from dataward.core.clock import FixedClock
from dataward.core.crypto import INDEX_KEY_CONTEXT, Keyring, KeyStore, decrypt, new_key
from dataward.core.db import make_sessionmaker, transaction
from dataward.core.errors import ConfigurationError
from dataward.people import keys
from dataward.people import service as people
from dataward.people.models import Person

REQUESTERS = [
    {"email": "margaret.hale@milton.example", "phone": "07700 900311", "name": "Margaret Hale"},
    {"email": "john.thornton@marlborough.example", "phone": "0113 496 0999", "name": "Thornton"},
    {"email": "bessy.higgins@princeton.example", "phone": "+44 20 7946 0321", "name": "Bessy"},
]
# Every form a value might take in storage: as typed, normalised, and the distinctive parts.
PLAINTEXTS = [
    "margaret.hale",
    "milton.example",
    "7700900311",
    "Margaret Hale",
    "john.thornton",
    "1134960999",
    "Thornton",
    "bessy.higgins",
    "2079460321",
    "Bessy",
    "unsubscribed.reader",
]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """Committed data in a database of this test's own, to read back raw."""
    yield from own_database(tmp_path, "dw_s13")


def _raw_values(engine: Engine) -> Iterator[object]:
    """Every cell of every table, as the driver returns it: no ORM, no decryption."""
    with engine.connect() as connection:
        for table in inspect(connection).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                yield from row


def _holds(value: object, plain: str) -> bool:
    if isinstance(value, (bytes, bytearray, memoryview)):
        raw = bytes(value)
        return plain.encode() in raw or plain.lower().encode() in raw.lower()
    return isinstance(value, str) and plain.lower() in value.lower()


def _register_everyone(engine: Engine, keyring: Keyring, clock: FixedClock) -> list[str]:
    with transaction(make_sessionmaker(engine)) as session:
        pseudonyms = [
            people.register_person(session=session, keyring=keyring, clock=clock, **who).pseudonym
            for who in REQUESTERS
        ]
        consent.suppress(
            session=session,
            keyring=keyring,
            clock=clock,
            actor="system:unsubscribe",
            email="unsubscribed.reader@example.com",
            reason="unsubscribe link",
        )
    return pseudonyms


def test_s_13_no_plaintext_email_phone_or_name_in_the_raw_database(
    engine: Engine, clock: FixedClock
) -> None:
    keyring = Keyring(new_key())
    _register_everyone(engine, keyring, clock)
    cells = list(_raw_values(engine))
    assert len(cells) > 30
    for plain in PLAINTEXTS:
        assert not [c for c in cells if _holds(c, plain)], f"{plain!r} stored in clear"
    if engine.dialect.name == "sqlite":
        database = Path(engine.url.database or "")
        engine.dispose()
        stored = b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))
        assert len(stored) > 4096
        for plain in PLAINTEXTS:
            assert plain.encode() not in stored and plain.lower().encode() not in stored.lower()
    # The details are all there, for whoever holds the master key.
    with transaction(make_sessionmaker(engine)) as session:
        found = people.find_person(session=session, keyring=keyring, email=REQUESTERS[1]["email"])
        assert found is not None
        assert people.reveal(session=session, keyring=keyring, person=found).name == "Thornton"


def test_s_13_forgotten_person_cannot_be_decrypted_with_any_key_in_the_database(
    engine: Engine, clock: FixedClock
) -> None:
    keyring = Keyring(new_key())
    pseudonyms = _register_everyone(engine, keyring, clock)
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        margaret = people.get_person(session=session, pseudonym=pseudonyms[0])
        sealed = people.seal(
            session=session,
            keyring=keyring,
            person=margaret,
            plaintext=b'{"request": "copy of my file", "address": "Crampton, Milton"}',
        )
        copies = {"email_ct": margaret.email_ct, "name_ct": margaret.name_ct, "sealed": sealed}
    clock.advance(days=2)
    with transaction(sessions) as session:
        margaret = people.get_person(session=session, pseudonym=pseudonyms[0])
        people.forget(
            session=session,
            keyring=keyring,
            clock=clock,
            person=margaret,
            actor="cli:dpo",
            reason="erasure request DW-2026-000042",
        )

    with transaction(sessions) as session:
        # The strongest attacker: the master key and the whole current database.
        store = session.scalar(select(KeyStore))
        assert store is not None
        candidates = [keyring.unwrap(store.wrapped_index_key, context=INDEX_KEY_CONTEXT)]
        for person in session.scalars(select(Person)):
            if person.wrapped_key is not None:
                candidates.append(
                    keyring.unwrap(person.wrapped_key, context=people.key_context(person))
                )
            for cell in (person.wrapped_key, person.email_ct, person.name_ct):
                if cell is not None and len(cell) >= 32:
                    candidates.append(bytes(cell)[-32:])
        candidates.append(keyring._master)
        assert len(candidates) >= 4
        aads = [
            f"dataward:person:{pseudonyms[0]}:{field}".encode()
            for field in ("email", "name", "sealed")
        ]
        for key, ciphertext, aad in itertools.product(candidates, copies.values(), aads):
            with pytest.raises(InvalidTag):
                decrypt(key, ciphertext, aad=aad)
        forgotten = people.get_person(session=session, pseudonym=pseudonyms[0])
        with pytest.raises(people.PersonErased, match="erased on 2026-03-04"):
            people.unseal(session=session, keyring=keyring, person=forgotten, ciphertext=sealed)
        # Nobody else lost anything, and the evidence still verifies.
        others = [people.get_person(session=session, pseudonym=p) for p in pseudonyms[1:]]
        assert [people.reveal(session=session, keyring=keyring, person=p).name for p in others] == [
            "Thornton",
            "Bessy",
        ]
        assert verify(session=session).ok


def test_s_06_a_backup_from_before_the_erasure_is_unreadable_once_its_master_key_is_gone(
    engine: Engine, clock: FixedClock
) -> None:
    keyring = Keyring(new_key())
    pseudonyms = _register_everyone(engine, keyring, clock)
    sessions = make_sessionmaker(engine)
    with transaction(sessions) as session:
        margaret = people.get_person(session=session, pseudonym=pseudonyms[0])
        # What a nightly backup holds of her: the row, wrapped key and all.
        backup = {"wrapped_key": margaret.wrapped_key, "email_ct": margaret.email_ct}
        people.forget(
            session=session,
            keyring=keyring,
            clock=clock,
            person=margaret,
            actor="cli:dpo",
            reason="erasure request DW-2026-000043",
        )
    new_master = new_key()
    with transaction(sessions) as session:
        keys.rotate(
            session=session, keyring=keyring, clock=clock, new_master=new_master, actor="cli:dpo"
        )
    # The old master key is destroyed when the backups made under it expire; from then on
    # no key that exists can open the backup's copy of her data key.
    current = Keyring(new_master)
    assert backup["wrapped_key"] is not None
    with pytest.raises(ConfigurationError, match="cannot unwrap"):
        current.unwrap(backup["wrapped_key"], context=f"person:{pseudonyms[0]}")
    with transaction(sessions) as session:
        current.attach(session)
        thornton = people.find_person(
            session=session, keyring=current, email=REQUESTERS[1]["email"]
        )
        assert thornton is not None
        assert people.reveal(session=session, keyring=current, person=thornton).name == "Thornton"
        assert verify(session=session).ok
