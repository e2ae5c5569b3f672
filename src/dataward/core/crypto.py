"""Keys and ciphers: the master key, the keyed index, AES-GCM sealing, Ed25519 signing keys.

Key hierarchy (DESIGN.md, "People and encryption"):
- the master key (32 random bytes, from DATAWARD_MASTER_KEY or a file) never touches the
  database; it only wraps other keys;
- the index key (32 random bytes, stored in `key_store` wrapped by the master key) keys every
  identifier hash and evidence digest, so rotating the master key leaves hashes unchanged;
- each person's data key (stored on the person, wrapped by the master key) encrypts their
  fields; destroying the wrapped key crypto-shreds every copy, backups included.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from dataward.core.config import Settings
from dataward.core.db import Base, UTCDateTime
from dataward.core.errors import ConfigurationError
from dataward.core.files import write_private

# Re-exported: identifiers are normalised before they are hashed, and callers read both here.
from dataward.core.identifiers import DEFAULT_REGION as DEFAULT_REGION
from dataward.core.identifiers import PHONE_KINDS as PHONE_KINDS
from dataward.core.identifiers import normalise_email as normalise_email
from dataward.core.identifiers import normalise_identifier as normalise_identifier
from dataward.core.identifiers import normalise_phone as normalise_phone
from dataward.core.keyed_hashing import KeyedHasher
from dataward.core.payment_numbers import refuse_payment_numbers

KEY_BYTES = 32
NONCE_BYTES = 12
# A leading format byte lets a later cipher change be read alongside old ciphertexts.
FORMAT_V1 = b"\x01"


# --- raw keys and AES-GCM --------------------------------------------------------------------


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def encode_key(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")


def decode_key(text: str, *, source: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigurationError(
            f"the master key from {source} is not valid base64",
            fix="it must be base64 of 32 random bytes, as written by `dataward init`",
        ) from exc
    if len(key) != KEY_BYTES:
        raise ConfigurationError(
            f"the master key from {source} is {len(key)} bytes long, not {KEY_BYTES}",
            fix="it must be base64 of 32 random bytes, as written by `dataward init`",
        )
    return key


def fingerprint(key: bytes) -> str:
    """A public name for a key that reveals nothing about it."""
    return hmac.new(key, b"dataward key fingerprint", hashlib.sha256).hexdigest()[:16]


def encrypt(key: bytes, plaintext: bytes, *, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return FORMAT_V1 + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def decrypt(key: bytes, ciphertext: bytes, *, aad: bytes) -> bytes:
    """Raises InvalidTag when the key, the associated data or the bytes are wrong."""
    if not ciphertext.startswith(FORMAT_V1) or len(ciphertext) < 1 + NONCE_BYTES + 16:
        raise InvalidTag()
    nonce = ciphertext[1 : 1 + NONCE_BYTES]
    return AESGCM(key).decrypt(nonce, ciphertext[1 + NONCE_BYTES :], aad)


# --- key files -------------------------------------------------------------------------------


def create_master_key_file(path: Path) -> bytes:
    key = new_key()
    write_private(path, (encode_key(key) + "\n").encode("ascii"))
    return key


def create_signing_key_file(path: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    write_private(path, pem)
    return key


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError as exc:
        raise ConfigurationError(
            f"no audit signing key at {path}",
            fix="run `dataward init` or set DATAWARD_SIGNING_KEY_FILE",
        ) from exc
    except ValueError as exc:
        raise ConfigurationError(
            f"{path} is not a PEM private key", fix="point DATAWARD_SIGNING_KEY_FILE at the key"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{path} is not an Ed25519 key", fix="run `dataward init`")
    return key


def public_key_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def signing_key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    return public_key_id(public_key_bytes(key))


# The pinned public keys live in a file outside the database: a key that is only in the
# database could have been put there by whoever rewrote the log. One line per trusted key,
# "ed25519 <base64 of the raw public key> <key id>"; a replaced signing key is added, never
# swapped, so checkpoints signed by the old one still verify.
PIN_KIND = "ed25519"


def read_pinned_keys(path: Path) -> dict[str, bytes]:
    """Key id to raw public key, for every key pinned in `path` (empty if there is no file)."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return {}
    pinned = {}
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        try:
            if words[0] != PIN_KIND or len(words) < 2:
                raise ValueError(f"expected '{PIN_KIND} <base64 public key>'")
            public = base64.b64decode(words[1], validate=True)
            Ed25519PublicKey.from_public_bytes(public)
        except (binascii.Error, ValueError) as exc:
            raise ConfigurationError(
                f"line {number} of the pinned signing keys {path} is not a public key ({exc})",
                fix="restore the file from the copy written down at `dataward init` "
                "(`dataward keys status` prints the keys)",
            ) from exc
        pinned[public_key_id(public)] = public
    return pinned


def pin_public_key(path: Path, key: Ed25519PrivateKey | Ed25519PublicKey) -> bool:
    """Add the key to the pinned file unless it is there; True if it was added."""
    if signing_key_id(key) in read_pinned_keys(path):
        return False
    public = base64.b64encode(public_key_bytes(key)).decode("ascii")
    previous = path.read_bytes() if path.exists() else b""
    line = f"{PIN_KIND} {public} {signing_key_id(key)}\n".encode("ascii")
    write_private(path, previous + line)
    return True


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- the key store and the keyring -----------------------------------------------------------


class KeyStore(Base):
    """One row: the wrapped index key and the fingerprint of the master key that wraps it."""

    __tablename__ = "key_store"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    master_fingerprint: Mapped[str] = mapped_column(String(16))
    wrapped_index_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


INDEX_KEY_CONTEXT = "index-key"
NOTE_KEY_INFO = b"dataward free-text notes v1"
# Marks a sealed note in a text column, so that notes stored before sealing still read.
NOTE_PREFIX = "sealed:v1:"


class Keyring:
    """The master key in memory, and the index key once read from the database.

    `attach(session)` reads (or on first use creates) the index key; every people and consent
    service calls it, so callers that go through those services need not.
    """

    def __init__(self, master_key: bytes, *, source: str = "memory") -> None:
        if len(master_key) != KEY_BYTES:
            raise ConfigurationError(f"the master key from {source} is not {KEY_BYTES} bytes")
        self._master = master_key
        self.source = source
        self._index_key: bytes | None = None
        self._note_key: bytes | None = None
        # HMAC under the index key, set up once (rebuilt should the index key be replaced).
        self._hasher: tuple[bytes, KeyedHasher] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        if settings.master_key is not None:
            text, source = settings.master_key.get_secret_value(), "DATAWARD_MASTER_KEY"
        else:
            path = settings.resolved_master_key_file
            try:
                text = path.read_text(encoding="ascii")
            except FileNotFoundError as exc:
                raise ConfigurationError(
                    f"no master key: {path} does not exist and DATAWARD_MASTER_KEY is not set",
                    fix="run `dataward init` to create one, or set DATAWARD_MASTER_KEY "
                    "or DATAWARD_MASTER_KEY_FILE",
                ) from exc
            source = str(path)
        return cls(decode_key(text, source=source), source=source)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self._master)

    def wrap(self, key: bytes, *, context: str) -> bytes:
        return encrypt(self._master, key, aad=f"dataward:wrap:{context}".encode())

    def unwrap(self, wrapped: bytes, *, context: str) -> bytes:
        try:
            return decrypt(self._master, wrapped, aad=f"dataward:wrap:{context}".encode())
        except InvalidTag as exc:
            raise ConfigurationError(
                f"the master key (fingerprint {self.fingerprint}) cannot unwrap the key "
                f"for {context}",
                fix="the stored key was altered, or this is not the master key it was made with",
            ) from exc

    def attach(self, session: Session) -> None:
        """Read the index key, creating it on a fresh database; refuse a wrong master key."""
        if self._index_key is not None:
            return
        store = session.scalar(select(KeyStore).where(KeyStore.id == 1))
        if store is None:
            index_key = new_key()
            store = KeyStore(
                id=1,
                master_fingerprint=self.fingerprint,
                wrapped_index_key=self.wrap(index_key, context=INDEX_KEY_CONTEXT),
                created_at=datetime.now(UTC),
            )
            session.add(store)
            session.flush()
            self._index_key = index_key
            return
        self.check(store)
        self._index_key = self.unwrap(store.wrapped_index_key, context=INDEX_KEY_CONTEXT)

    def attached(self, session: Session) -> Keyring:
        """This keyring, its index key read: for an expression that needs it at once."""
        self.attach(session)
        return self

    def check(self, store: KeyStore) -> None:
        if store.master_fingerprint != self.fingerprint:
            raise ConfigurationError(
                f"wrong master key: {self.source} has fingerprint {self.fingerprint}, "
                f"but this database's keys are wrapped by the key with fingerprint "
                f"{store.master_fingerprint}",
                fix="set DATAWARD_MASTER_KEY or DATAWARD_MASTER_KEY_FILE to that key "
                "(a rotation keeps the old key as <file>.old-<date>; an interrupted one "
                "leaves the new key in <file>.new)",
            )

    @property
    def index_key(self) -> bytes:
        if self._index_key is None:
            raise ConfigurationError(
                "the keyring has not read its index key from the database yet",
                fix="call keyring.attach(session) first (people and consent services do)",
            )
        return self._index_key

    @property
    def _keyed(self) -> KeyedHasher:
        key = self.index_key
        if self._hasher is None or self._hasher[0] is not key:
            self._hasher = (key, KeyedHasher(key))
        return self._hasher[1]

    def identifier_hash(self, kind: str, value: str) -> str:
        """Keyed HMAC-SHA256 of "kind:normalised value": lookups without storing the value."""
        canonical_kind, normalised = normalise_identifier(kind, value)
        return self.normalised_hash(canonical_kind, normalised)

    def normalised_hash(self, canonical_kind: str, normalised: str) -> str:
        """identifier_hash of a value already normalised (normalise_identifier's answer)."""
        return self._keyed.hexdigest(f"{canonical_kind}:{normalised}".encode())

    def digest(self, value: str) -> str:
        """Keyed digest for evidence (record keys): comparable, not reversible by guessing."""
        return self._keyed.hexdigest(b"digest\x00" + value.encode())

    @property
    def note_key(self) -> bytes:
        """The key of Dataward's own free text (hold reasons, refusals, evidence notes).

        Derived from the index key rather than stored: a master-key rotation re-wraps the index
        key and so keeps every note readable, and nothing new sits in the database."""
        if self._note_key is None:
            self._note_key = HKDF(
                algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=NOTE_KEY_INFO
            ).derive(self.index_key)
        return self._note_key

    def seal_note(self, text: str, *, context: str, session: Session) -> str:
        """Text that may name people, encrypted for a text column; `context` binds it there."""
        self.attach(session)  # msp-06: whatever is sealed is kept, so a card number is refused
        sealed = encrypt(self.note_key, refuse_payment_numbers(text).encode(), aad=context.encode())
        return NOTE_PREFIX + base64.urlsafe_b64encode(sealed).decode("ascii")

    def open_note(self, stored: str, *, context: str) -> str:
        """The text of a sealed note; a note written before sealing existed reads as it is."""
        if not stored.startswith(NOTE_PREFIX):
            return stored
        try:
            sealed = base64.urlsafe_b64decode(stored[len(NOTE_PREFIX) :])
            return decrypt(self.note_key, sealed, aad=context.encode()).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise ConfigurationError(
                f"a sealed note ({context}) cannot be opened with this deployment's keys",
                fix="the note was altered, or moved from another column or database",
            ) from exc

    def rewrapped(self, new_master: bytes) -> Keyring:
        """A keyring for the new master key that shares this one's index key."""
        other = Keyring(new_master, source="new master key")
        other._index_key = self._index_key
        return other
