"""What the accounts API answers with."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from dataward.core.schemas import Schema


class WhoAmI(Schema):
    kind: Literal["user", "token"]
    id: int
    name: str
    role: str
    job_roles: list[str]
    permissions: list[str]


class TokenSummary(Schema):
    id: int
    name: str
    role: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    status: Literal["active", "expired", "revoked"]
