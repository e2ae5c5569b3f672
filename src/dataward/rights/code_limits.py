"""How often a verification code may be sent: per request and per address.

Counted from the codes table, so the limits hold across processes and restarts. A code whose
sending failed was rolled back with its transaction and does not count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict
from dataward.rights.models import RightsRequest, VerificationCode

# Enough for a lost message and a retry; too few to flood someone's inbox or phone.
PER_REQUEST = 3
PER_REQUEST_WINDOW = timedelta(hours=1)
# Across every request, so opening new requests does not lift the limit on one address.
PER_ADDRESS = 5
PER_ADDRESS_WINDOW = timedelta(days=1)


def address_digest(keyring: Keyring, identity: str, address: str) -> str:
    """Names an address in the codes table without keeping it."""
    return keyring.digest(f"rights-code-address:{identity}:{address}")


def _sent_since(
    session: Session, where: ColumnElement[bool], since: datetime
) -> tuple[int, datetime | None]:
    count, oldest = session.execute(
        select(func.count(VerificationCode.id), func.min(VerificationCode.created_at)).where(
            where, VerificationCode.created_at > since
        )
    ).one()
    return int(count), oldest


def _again_at(oldest: datetime | None, window: timedelta, now: datetime) -> str:
    moment = (oldest or now) + window
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def check_may_send(*, session: Session, clock: Clock, request: RightsRequest, digest: str) -> None:
    """Raise Conflict, saying when to try again, if another code would pass a limit."""
    now = clock.now()
    count, oldest = _sent_since(
        session, VerificationCode.request_id == request.id, now - PER_REQUEST_WINDOW
    )
    if count >= PER_REQUEST:
        raise Conflict(
            f"{count} codes were sent for {request.reference} in the last hour, the most allowed",
            fix=f"try again after {_again_at(oldest, PER_REQUEST_WINDOW, now)}",
        )
    count, oldest = _sent_since(
        session, VerificationCode.address_digest == digest, now - PER_ADDRESS_WINDOW
    )
    if count >= PER_ADDRESS:
        raise Conflict(
            f"{count} codes were sent to this address in the last 24 hours, the most allowed",
            fix=f"try again after {_again_at(oldest, PER_ADDRESS_WINDOW, now)}",
        )
