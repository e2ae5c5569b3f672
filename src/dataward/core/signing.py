"""The secret key and what it signs: console sessions, CSRF tokens, links sent to people.

Signing (itsdangerous, HMAC-SHA256 with a timestamp) lets a link or cookie travel through
the browser and come back unaltered without a table of issued tokens.
"""

from __future__ import annotations

import secrets
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from dataward.core.config import Settings
from dataward.core.errors import ConfigurationError, UsageError
from dataward.core.files import write_private

SHORTEST_SECRET = 32
MAKE_ONE = "make one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
_MINTED: dict[str, str] = {}  # secret file → key, so a process reads its file once


def secret_key(settings: Settings) -> str:
    """DATAWARD_SECRET_KEY, or its file; in development made once into <home>/secret.key.

    Production refuses to run without one set on purpose: a key made up on the spot would
    change on the next start (signing everyone out) or differ between two servers."""
    if settings.secret_key is not None:
        return _checked(settings.secret_key.get_secret_value(), "DATAWARD_SECRET_KEY")
    path = settings.resolved_secret_key_file
    cached = _MINTED.get(str(path))
    if cached is not None:
        return cached
    if not path.exists():
        if settings.secret_key_file is not None or settings.environment == "production":
            raise ConfigurationError(
                "no secret key: set DATAWARD_SECRET_KEY or DATAWARD_SECRET_KEY_FILE "
                "before serving in production",
                fix=MAKE_ONE,
            )
        write_private(path, (secrets.token_urlsafe(48) + "\n").encode("ascii"))
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(
            f"cannot read the secret key file {path}",
            fix="point DATAWARD_SECRET_KEY_FILE at a readable text file holding the key",
        ) from exc
    key = _MINTED[str(path)] = _checked(text, str(path))
    return key


def _checked(key: str, source: str) -> str:
    if len(key.strip()) < SHORTEST_SECRET:
        raise ConfigurationError(
            f"the secret key from {source} is shorter than {SHORTEST_SECRET} characters",
            fix=MAKE_ONE,
        )
    return key.strip()


def _serializer(settings: Settings, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(settings), salt=f"dataward:{salt}")


def sign(settings: Settings, *, salt: str, payload: Any) -> str:
    """A URL-safe token carrying `payload` (plain JSON), signed and timestamped.

    The salt names the purpose, so a token made for one use is refused by every other."""
    return _serializer(settings, salt).dumps(payload)


def unsign(settings: Settings, *, salt: str, token: str, max_age_seconds: int) -> Any:
    """The payload of a token `sign` made with the same salt, no older than max_age_seconds."""
    try:
        return _serializer(settings, salt).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise UsageError("the link or form has expired", fix="start again") from exc
    except BadSignature as exc:
        raise UsageError(
            "the link or form was altered or is not ours", fix="start again from the start page"
        ) from exc
