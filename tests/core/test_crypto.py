"""Normalisation, the keyring, identifier hashes and AES-GCM sealing."""

from __future__ import annotations

import base64
import secrets
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from pydantic import SecretStr
from sqlalchemy.orm import Session

from dataward.core.config import Settings
from dataward.core.crypto import (
    Keyring,
    create_master_key_file,
    create_signing_key_file,
    decrypt,
    encode_key,
    encrypt,
    load_signing_key,
    new_key,
    normalise_email,
    normalise_phone,
    signing_key_id,
)
from dataward.core.errors import ConfigurationError, UsageError
from dataward.core.files import write_private


def test_normalise_email_lower_cases_and_trims() -> None:
    assert normalise_email("  Alice.Smith@Example.CO.UK ") == "alice.smith@example.co.uk"


@pytest.mark.parametrize("bad", ["alice", "alice@", "@example.com", "a b@example.com", ""])
def test_normalise_email_refuses_what_is_not_an_address(bad: str) -> None:
    with pytest.raises(UsageError, match="not a valid email address"):
        normalise_email(bad)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 (0)7700 900123", "+447700900123"),
        ("020 7946 0018", "+442079460018"),
        ("+1 202-555-0143", "+12025550143"),
    ],
)
def test_normalise_phone_gives_e164(given: str, expected: str) -> None:
    assert normalise_phone(given) == expected


@pytest.mark.parametrize("bad", ["123", "not a number", "0770090012345678"])
def test_normalise_phone_refuses_impossible_numbers(bad: str) -> None:
    with pytest.raises(UsageError, match="phone number"):
        normalise_phone(bad)


def test_identifier_hash_is_the_same_for_every_spelling_of_one_address(
    session: Session,
) -> None:
    keyring = Keyring(new_key())
    keyring.attach(session)
    one = keyring.identifier_hash("email", "Alice@Example.com")
    assert one == keyring.identifier_hash("email", " alice@example.com")
    assert len(one) == 64
    assert one != keyring.identifier_hash("email", "alicia@example.com")


def test_phone_and_phone_number_kinds_hash_alike(session: Session) -> None:
    keyring = Keyring(new_key())
    keyring.attach(session)
    assert keyring.identifier_hash("phone", "07700 900123") == keyring.identifier_hash(
        "phone_number", "+447700900123"
    )


def test_identifier_hash_separates_kinds(session: Session) -> None:
    keyring = Keyring(new_key())
    keyring.attach(session)
    assert keyring.identifier_hash("customer_id", "42") != keyring.identifier_hash("account", "42")


def test_hashes_are_keyed_by_the_database_index_key_not_by_a_plain_sha(
    session: Session,
) -> None:
    first = Keyring(new_key())
    first.attach(session)
    other_database = Keyring(new_key())
    other_database._index_key = new_key()
    assert first.identifier_hash("email", "a@example.com") != other_database.identifier_hash(
        "email", "a@example.com"
    )
    assert first.digest("row-1") != other_database.digest("row-1")
    assert first.digest("row-1") == first.digest("row-1")


def test_hashing_before_attach_says_how_to_fix_it() -> None:
    with pytest.raises(ConfigurationError, match=r"keyring.attach\(session\)"):
        Keyring(new_key()).identifier_hash("email", "a@example.com")


def test_a_second_keyring_with_the_same_master_key_reads_the_same_index_key(
    session: Session,
) -> None:
    master = new_key()
    first, second = Keyring(master), Keyring(master)
    first.attach(session)
    second.attach(session)
    assert first.identifier_hash("email", "a@example.com") == second.identifier_hash(
        "email", "a@example.com"
    )


def test_a_wrong_master_key_is_refused_naming_the_fingerprint_expected(
    session: Session,
) -> None:
    right = Keyring(new_key())
    right.attach(session)
    wrong = Keyring(new_key(), source="/etc/dataward/master.key")
    with pytest.raises(ConfigurationError) as caught:
        wrong.attach(session)
    assert right.fingerprint in str(caught.value)
    assert wrong.fingerprint in str(caught.value)
    assert "/etc/dataward/master.key" in str(caught.value)


def test_master_key_comes_from_the_environment_variable() -> None:
    key = new_key()
    keyring = Keyring.from_settings(Settings(master_key=SecretStr(encode_key(key))))
    assert keyring.fingerprint == Keyring(key).fingerprint
    assert keyring.source == "DATAWARD_MASTER_KEY"


def test_master_key_comes_from_the_key_file(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    key = create_master_key_file(path)
    keyring = Keyring.from_settings(Settings(master_key_file=path))
    assert keyring.fingerprint == Keyring(key).fingerprint
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_missing_master_key_tells_to_run_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="dataward init") as caught:
        Keyring.from_settings(Settings(home=tmp_path))
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "problem"),
    [("not base64!!", "not valid base64"), (base64.b64encode(b"short").decode(), "5 bytes")],
)
def test_a_malformed_master_key_is_refused(text: str, problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        Keyring.from_settings(Settings(master_key=SecretStr(text)))


def test_wrapped_keys_only_unwrap_in_their_own_context() -> None:
    keyring = Keyring(new_key())
    data_key = new_key()
    wrapped = keyring.wrap(data_key, context="person:p_1")
    assert keyring.unwrap(wrapped, context="person:p_1") == data_key
    with pytest.raises(ConfigurationError, match="cannot unwrap"):
        keyring.unwrap(wrapped, context="person:p_2")
    with pytest.raises(ConfigurationError, match="cannot unwrap"):
        Keyring(new_key()).unwrap(wrapped, context="person:p_1")


def test_encryption_uses_a_fresh_nonce_and_detects_tampering() -> None:
    key = new_key()
    one = encrypt(key, b"Alice", aad=b"p_1:name")
    two = encrypt(key, b"Alice", aad=b"p_1:name")
    assert one != two
    assert decrypt(key, one, aad=b"p_1:name") == b"Alice"
    flipped = one[:-1] + bytes([one[-1] ^ 1])
    for ciphertext, aad in ((flipped, b"p_1:name"), (one, b"p_1:email"), (b"", b"p_1:name")):
        with pytest.raises(InvalidTag):
            decrypt(key, ciphertext, aad=aad)


def test_secret_files_are_written_whole_with_owner_only_access(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "secret"
    write_private(path, b"one")
    write_private(path, b"two")
    assert path.read_bytes() == b"two"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret"]


def test_signing_key_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "signing.key"
    key = create_signing_key_file(path)
    assert signing_key_id(load_signing_key(path)) == signing_key_id(key)


def test_a_missing_or_foreign_signing_key_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="dataward init"):
        load_signing_key(tmp_path / "absent.key")
    junk = tmp_path / "junk.key"
    junk.write_bytes(secrets.token_bytes(40))
    with pytest.raises(ConfigurationError, match="not a PEM private key"):
        load_signing_key(junk)
