"""Audit actors in words: an account's display name, a token's name, Dataward's own parts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dataward.accounts import actors, service, tokens
from dataward.accounts.roles import Role
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring


def test_accounts_and_tokens_are_named_and_the_rest_said_in_words(
    session: Session, keyring: Keyring, clock: FixedClock
) -> None:
    made = service.add_user(
        session=session,
        keyring=keyring,
        clock=clock,
        email="Dana.Shaw@example.co.uk",
        name="Dana Shaw",
        role=Role.STAFF,
        actor="test",
    )
    token, _secret = tokens.create_token(
        session=session, clock=clock, name="ticketing", role=Role.STAFF, actor="test"
    )
    found = actors.names(
        session=session,
        keyring=keyring,
        actors=[
            f"user:{made.user.id}",
            f"token:{token.id}",
            "user:999",
            "system:retention",
            "cli:alice",
            "person",
            "strange-actor",
        ],
    )
    assert found == {
        f"user:{made.user.id}": "Dana Shaw",
        f"token:{token.id}": 'API token "ticketing"',
        "user:999": "user:999",  # removed or never existed: the key as it is
        "system:retention": "Dataward (retention)",
        "cli:alice": "command line (alice)",
        "person": "the person",
        "strange-actor": "strange-actor",
    }
