"""API tokens: shown once, stored as a digest, expiring, revocable, each step audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from dataward.accounts import tokens
from dataward.accounts.roles import Role
from dataward.audit.models import AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.errors import Conflict, NotFound, UsageError


def _create(
    session: Session,
    clock: FixedClock,
    name: str = "crm-webhook",
    days: int = 90,
    role: Role = Role.SOURCE,
) -> tuple[int, str]:
    row, token = tokens.create_token(
        session=session,
        clock=clock,
        name=name,
        role=role,
        actor="cli:operator",
        expires_in_days=days,
    )
    return row.id, token


def test_only_the_digest_of_a_token_is_kept(session: Session, clock: FixedClock) -> None:
    token_id, token = _create(session, clock)
    stored = [str(v) for row in session.execute(text("SELECT * FROM api_tokens")) for v in row]
    assert token not in "\n".join(stored)
    assert tokens.token_digest(token) in stored
    found = tokens.token_for(session=session, clock=clock, token=token)
    assert found is not None and found.id == token_id and found.last_used_at == clock.now()


def test_a_token_stops_working_when_it_expires(session: Session, clock: FixedClock) -> None:
    _, token = _create(session, clock, days=1)
    clock.advance(hours=23)
    assert tokens.token_for(session=session, clock=clock, token=token) is not None
    clock.advance(hours=1)
    assert tokens.token_for(session=session, clock=clock, token=token) is None


def test_a_revoked_token_stops_working_and_its_name_can_be_used_again(
    session: Session, clock: FixedClock
) -> None:
    token_id, token = _create(session, clock)
    with pytest.raises(Conflict):
        _create(session, clock)
    tokens.revoke_token(session=session, clock=clock, name="crm-webhook", actor="cli:operator")
    assert tokens.token_for(session=session, clock=clock, token=token) is None
    with pytest.raises(NotFound):
        tokens.revoke_token(session=session, clock=clock, name="crm-webhook", actor="cli:x")
    _create(session, clock)
    actions = [
        (e.action, e.object_id)
        for e in session.scalars(select(AuditEvent).where(AuditEvent.object_type == "api_token"))
    ]
    assert actions[:2] == [("token.created", str(token_id)), ("token.revoked", str(token_id))]


@pytest.mark.parametrize("guess", ["", "dw_", "dw_" + "A" * 43, "x" * 5000, "Bearer dw_x"])
def test_attack_guessed_tokens_are_refused(session: Session, clock: FixedClock, guess: str) -> None:
    _create(session, clock)
    assert tokens.token_for(session=session, clock=clock, token=guess) is None


@pytest.mark.parametrize(("name", "days"), [("bad name", 90), ("", 90), ("ok", 0), ("ok", 5000)])
def test_bad_token_names_and_lifetimes_are_refused(
    session: Session, clock: FixedClock, name: str, days: int
) -> None:
    with pytest.raises(UsageError):
        _create(session, clock, name=name, days=days)
