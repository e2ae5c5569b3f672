"""Who an audit event's actor is, in words staff recognise.

The log names actors by a stable key (`user:7`, `token:3`, `system:retention`, `cli:alice`):
the key never changes when someone's name does, and it names no one to an auditor reading the
raw log. Pages that staff read (a request's timeline) show the account's display name or the
token's name instead; an actor that is no account or token is said in plain words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.accounts.models import ApiToken, StaffUser
from dataward.accounts.service import NAME_CONTEXT
from dataward.core.crypto import Keyring

_KINDS: Mapping[str, str] = {
    "system": "Dataward ({})",
    "job": "scheduled job ({})",
    "cli": "command line ({})",
    "web": "web ({})",
    "public": "public form ({})",
    "privacy-centre": "privacy centre ({})",
    "person": "the person",
}


def _number(actor: str, prefix: str) -> int | None:
    kind, _, rest = actor.partition(":")
    return int(rest) if kind == prefix and rest.isdigit() else None


def said(actor: str) -> str:
    """An actor that is no account or token, in words (`system:retention` → `Dataward
    (retention)`); an unknown shape is shown as it is."""
    kind, _, rest = actor.partition(":")
    template = _KINDS.get(kind)
    if template is None:
        return actor
    return template.format(rest) if rest and "{}" in template else template.replace(" ({})", "")


def names(*, session: Session, keyring: Keyring, actors: Iterable[str]) -> dict[str, str]:
    """Each actor key mapped to what staff see: an account's display name, `API token "<name>"`,
    or the plain words of `said`. One query per kind, whatever the number of events."""
    wanted = set(actors)
    users = {n for a in wanted if (n := _number(a, "user")) is not None}
    tokens = {n for a in wanted if (n := _number(a, "token")) is not None}
    found = {actor: said(actor) for actor in wanted}
    if users:
        keyring.attach(session)
        for user in session.scalars(select(StaffUser).where(StaffUser.id.in_(users))):
            found[f"user:{user.id}"] = keyring.open_note(user.name_sealed, context=NAME_CONTEXT)
    if tokens:
        rows = session.execute(select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(tokens)))
        for token_id, name in rows:
            found[f"token:{token_id}"] = f'API token "{name}"'
    return found
