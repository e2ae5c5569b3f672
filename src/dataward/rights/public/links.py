"""Single-use, expiring links to a request's package, for the person who made the request.

The token is random (never guessable, never derived from the reference) and stored only as a
keyed digest; the first download marks it used, and a second download needs a fresh code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import Clock
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, DatawardError, NotFound
from dataward.rights import intake
from dataward.rights.models import DownloadLink, RequestKind, RequestState, RightsRequest
from dataward.rights.packages import open_package, package_path
from dataward.rights.public.proofs import ACTOR

LINK_LASTS = timedelta(hours=24)
PACKAGE_KINDS = frozenset({RequestKind.ACCESS, RequestKind.PORTABILITY})


class LinkGone(DatawardError):
    """The link was used, or has expired: a fresh code gives a new one."""

    status_code = 410


def package_ready(request: RightsRequest, home: Path) -> bool:
    """Staff have reviewed the run (the request is completed) and its package is stored."""
    return (
        RequestKind(request.kind) in PACKAGE_KINDS
        and RequestState(request.state) == RequestState.COMPLETED
        and package_path(home, request.reference).exists()
    )


def _token_hash(keyring: Keyring, token: str) -> str:
    return keyring.digest(f"rights-download:{token}")


def issue_link(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    home: Path,
    request: RightsRequest,
    proved_at: datetime,
) -> str:
    """A new link, once per proof: a proof that already gave a link gives no second one."""
    if not package_ready(request, home):
        raise Conflict(
            f"request {request.reference} has no package ready to download",
            fix="come back when the status page says it is ready",
        )
    keyring.attach(session)
    given = session.scalars(
        select(DownloadLink.id).where(
            DownloadLink.request_id == request.id, DownloadLink.created_at >= proved_at
        )
    ).first()
    if given is not None:
        raise Conflict(
            "a download link was already made since you entered your code",
            fix='ask for a fresh code with "Check a request I made" to download again',
        )
    now = clock.now()
    token = secrets.token_urlsafe(32)
    link = DownloadLink(
        request_id=request.id,
        token_hash=_token_hash(keyring, token),
        created_at=now,
        expires_at=now + LINK_LASTS,
    )
    session.add(link)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=ACTOR,
        action="rights.package.link_issued",
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details={"link": link.id, "expires_at": link.expires_at.isoformat()},
    )
    return token


@dataclass(frozen=True)
class Download:
    reference: str
    content: bytes

    @property
    def filename(self) -> str:
        return f"{self.reference}.zip"


def redeem_link(
    *, session: Session, keyring: Keyring, clock: Clock, home: Path, token: str
) -> Download:
    """The package behind a live link, the link marked used in the same transaction."""
    keyring.attach(session)
    link = session.scalars(
        select(DownloadLink)
        .where(DownloadLink.token_hash == _token_hash(keyring, token.strip()))
        .with_for_update()
    ).first()
    if link is None:
        raise NotFound("there is no such download link", fix="check the link, or ask for a new one")
    request = session.get(RightsRequest, link.request_id)
    now = clock.now()
    if link.used_at is not None or now >= link.expires_at or request is None:
        raise LinkGone(
            "this download link was used already or has expired",
            fix='ask for a fresh code with "Check a request I made" to download again',
        )
    link.used_at = now
    content = open_package(
        session=session,
        keyring=keyring,
        person=intake.request_person(session=session, request=request),
        home=home,
        reference=request.reference,
    )
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=ACTOR,
        action="rights.package.downloaded",
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details={"link": link.id, "bytes": len(content)},
    )
    return Download(request.reference, content)
