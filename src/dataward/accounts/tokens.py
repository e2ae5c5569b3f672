"""API tokens for machine clients: created with a role and an expiry, shown once, kept only as
a digest, revocable by name. Each creation and revocation is an audit event naming the token
by id."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.accounts.models import ApiToken
from dataward.accounts.roles import Role
from dataward.audit import service as audit
from dataward.core.clock import Clock
from dataward.core.errors import Conflict, NotFound, UsageError

TOKEN_PREFIX = "dw_"
TOKEN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
LONGEST_LIFE_DAYS = 3650


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    *,
    session: Session,
    clock: Clock,
    name: str,
    role: Role,
    actor: str,
    expires_in_days: int = 90,
) -> tuple[ApiToken, str]:
    """A new API token; the token itself is returned once and only its digest is kept."""
    if not TOKEN_NAME.match(name):
        raise UsageError(
            f"{name!r} is not a token name",
            fix="use up to 64 letters, digits, '.', '-' and '_', e.g. crm-webhook",
        )
    if not 1 <= expires_in_days <= LONGEST_LIFE_DAYS:
        raise UsageError(
            f"--expires-in-days must be between 1 and {LONGEST_LIFE_DAYS}", fix="e.g. 90"
        )
    if _active_token(session, clock, name) is not None:
        raise Conflict(f"a token named {name!r} is active", fix="revoke it first or choose another")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    row = ApiToken(
        name=name,
        role=role.value,
        token_digest=token_digest(token),
        created_at=now,
        created_by=actor[:64],
        expires_at=now + timedelta(days=expires_in_days),
    )
    session.add(row)
    session.flush()
    _record_token(
        session,
        clock,
        actor=actor,
        action="token.created",
        token=row,
        details={"role": role.value, "expires_at": row.expires_at.isoformat()},
    )
    return row, token


def _record_token(
    session: Session,
    clock: Clock,
    *,
    actor: str,
    action: str,
    token: ApiToken,
    details: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action=action,
        object_type="api_token",
        object_id=str(token.id),
        details=details,
    )


def _active_token(session: Session, clock: Clock, name: str) -> ApiToken | None:
    return session.scalar(
        select(ApiToken).where(
            ApiToken.name == name,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > clock.now(),
        )
    )


def list_tokens(*, session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def revoke_token(*, session: Session, clock: Clock, name: str, actor: str) -> ApiToken:
    row = _active_token(session, clock, name)
    if row is None:
        raise NotFound(f"no active token named {name!r}", fix="see `dataward tokens list`")
    row.revoked_at = clock.now()
    session.flush()
    _record_token(session, clock, actor=actor, action="token.revoked", token=row)
    return row


def token_for(*, session: Session, clock: Clock, token: str) -> ApiToken | None:
    """The live token a bearer presents (not revoked, not expired), its use noted."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_digest == token_digest(token)))
    now = clock.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    row.last_used_at = now
    return row
