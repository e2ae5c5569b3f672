"""Tables of the people domain: the people Dataward itself knows, encrypted at rest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from dataward.core.db import Base, UTCDateTime


class Person(Base):
    """A person, by pseudonym. Every personal field is AES-GCM under the person's data key.

    Forgetting a person deletes `wrapped_key` and the identifier hashes: the ciphertexts that
    remain (here and in every backup) can no longer be decrypted by any key that exists.
    """

    __tablename__ = "people"
    __table_args__ = (
        Index("ix_people_email_hash", "email_hash"),
        Index("ix_people_phone_hash", "phone_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Safe to show in logs and the audit chain: random, and unrelated to any identifier.
    pseudonym: Mapped[str] = mapped_column(String(40), unique=True)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_hash: Mapped[str | None] = mapped_column(String(64))
    phone_hash: Mapped[str | None] = mapped_column(String(64))
    name_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    email_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_ct: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    forgotten_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def forgotten(self) -> bool:
        return self.forgotten_at is not None
