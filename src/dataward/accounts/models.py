"""Staff accounts and API tokens.

A staff member's email address is personal data like any other Dataward holds, but it is not
a data subject's: the people store (per-person keys, forgetting) is built for requesters and
customers, and an account must outlive no one's erasure request nor be found by one. So the
account keeps its own copy: a keyed hash for signing in, and the address and display name
sealed with the keyring, readable only with the master key. The audit log names accounts by
id, never by address.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dataward.core.db import Base, UTCDateTime


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email_sealed: Mapped[str] = mapped_column(Text)
    name_sealed: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    # The business roles this account holds (a policy collection's `restricted_roles`).
    job_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, salted
    totp_sealed: Mapped[str | None] = mapped_column(Text)
    # The last TOTP time step accepted: a code seen once is not accepted again.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Part of every session cookie; bumping it ends every session of the account.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(16))
    # SHA-256 of the token: the token has 256 random bits, so no salt or slow hash is needed,
    # and a lookup by digest is one index probe. The token itself is shown once, never kept.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
