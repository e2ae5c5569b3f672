"""Codes the privacy centre emails to prove an address outside a request's own verification.

Two uses: seeing a request's status again later ("status", bound to the request), and seeing
what the business holds about you on "My details" ("details"). A proof lets the browser that
entered the code see that one thing for a short while; the code itself is stored only as a
keyed digest bound to its purpose, address and request.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core.clock import LONDON, Clock
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.mail import new_message
from dataward.rights.models import PublicProof, RightsRequest
from dataward.rights.verification import CODE_DIGITS, MAX_ATTEMPTS, send_mail

STATUS = "status"
DETAILS = "details"
# Long enough to switch to the mailbox and back; short, because the code opens personal data.
CODE_VALID_FOR = timedelta(minutes=30)
# How long a proved code lets that browser see the status or the details.
PROOF_LASTS = timedelta(minutes=30)
EMAIL_CONTEXT = "rights.public_proof.email"
ACTOR = "web:privacy-centre"


def _code_hash(
    keyring: Keyring, purpose: str, email_hash: str, request_id: int | None, code: str
) -> str:
    return keyring.digest(f"public-proof:{purpose}:{email_hash}:{request_id or ''}:{code}")


def _forget_stale(session: Session, now: datetime) -> None:
    """A details proof past its use keeps no sealed address: nothing reads it any more."""
    session.execute(
        update(PublicProof)
        .where(PublicProof.email_ct.is_not(None), PublicProof.expires_at < now - PROOF_LASTS)
        .values(email_ct=None)
    )


def issue_proof(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    purpose: str,
    email: str,
    request: RightsRequest | None = None,
) -> tuple[str, PublicProof]:
    """A fresh code for this purpose and address (and request); an earlier unused one dies."""
    keyring.attach(session)
    now = clock.now()
    email_hash = keyring.identifier_hash("email", email)
    request_id = request.id if request is not None else None
    _forget_stale(session, now)
    session.execute(
        update(PublicProof)
        .where(
            PublicProof.purpose == purpose,
            PublicProof.email_hash == email_hash,
            PublicProof.request_id.is_(None)
            if request_id is None
            else PublicProof.request_id == request_id,
            PublicProof.proved_at.is_(None),
            PublicProof.expires_at > now,
        )
        .values(expires_at=now)
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = PublicProof(
        purpose=purpose,
        email_hash=email_hash,
        request_id=request_id,
        email_ct=keyring.seal_note(email, context=EMAIL_CONTEXT, session=session)
        if purpose == DETAILS
        else None,
        code_hash=_code_hash(keyring, purpose, email_hash, request_id, code),
        attempts=0,
        created_at=now,
        expires_at=now + CODE_VALID_FOR,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=ACTOR,
        action=f"rights.public.{purpose}_code_sent",
        object_type="rights_request" if request is not None else "public_proof",
        object_id=request.reference if request is not None else str(row.id),
        subject=request.person_pseudonym if request is not None else None,
        details={"expires_at": row.expires_at.isoformat()},
    )
    return code, row


def live_status_proof(
    session: Session, request: RightsRequest, now: datetime
) -> PublicProof | None:
    return session.scalars(
        select(PublicProof)
        .where(
            PublicProof.purpose == STATUS,
            PublicProof.request_id == request.id,
            PublicProof.proved_at.is_(None),
            PublicProof.expires_at > now,
        )
        .order_by(PublicProof.id.desc())
        .limit(1)
    ).first()


def check_proof(
    *, session: Session, keyring: Keyring, clock: Clock, row: PublicProof, code: str
) -> bool:
    """Count the attempt; True, and the row marked proved, when the code is the right one."""
    keyring.attach(session)
    now = clock.now()
    if row.proved_at is not None or now >= row.expires_at or row.attempts >= MAX_ATTEMPTS:
        return False
    row.attempts += 1
    given = code.strip().replace(" ", "")
    expected = _code_hash(keyring, row.purpose, row.email_hash, row.request_id, given)
    proved = hmac.compare_digest(row.code_hash, expected)
    if proved:
        row.proved_at = now
    session.flush()
    audit.record(
        session=session,
        clock=clock,
        actor=ACTOR,
        action=f"rights.public.{row.purpose}_code_{'proved' if proved else 'failed'}",
        object_type="public_proof",
        object_id=str(row.id),
        details={"attempts_left": MAX_ATTEMPTS - row.attempts},
    )
    return proved


def proved_email(*, session: Session, keyring: Keyring, clock: Clock, proof_id: int) -> str | None:
    """The address a details proof proved, while it still lasts; None otherwise."""
    row = session.get(PublicProof, proof_id)
    if row is None or row.purpose != DETAILS or row.proved_at is None or row.email_ct is None:
        return None
    if clock.now() >= row.proved_at + PROOF_LASTS:
        return None
    keyring.attach(session)
    return keyring.open_note(row.email_ct, context=EMAIL_CONTEXT)


WHAT_FOR = {
    STATUS: "to see the progress of your request {reference}",
    DETAILS: "to see the personal details we hold about you",
}


def _message(
    settings: Settings, *, to: str, subject: str, lines: list[str], now: datetime
) -> EmailMessage:
    message = new_message(settings, to=to, subject=subject, now=now)
    message.set_content("\n".join(lines).rstrip() + "\n")
    return message


def send_proof(
    *,
    settings: Settings,
    to: str,
    code: str,
    row: PublicProof,
    organisation: str,
    now: datetime,
    reference: str | None = None,
) -> None:
    expiry = row.expires_at.astimezone(LONDON)
    purpose = WHAT_FOR[row.purpose].format(reference=reference)
    send_mail(
        settings,
        _message(
            settings,
            to=to,
            subject=f"Your code from {organisation}",
            lines=[
                "Hello,",
                "",
                f"Someone, we hope you, asked on {organisation}'s privacy centre {purpose}.",
                "",
                f"Your code is: {code}",
                "",
                f"It works once, until {expiry:%H:%M} on {expiry.day} {expiry:%B %Y} (UK time)."
                " Give it to nobody.",
                "",
                "If you did not ask, ignore this email: nothing is shown without the code.",
                "",
                organisation,
            ],
            now=now,
        ),
    )


def send_no_match(
    *, settings: Settings, to: str, reference: str, organisation: str, now: datetime
) -> None:
    """Sent when the reference and address do not match a request: the owner of the address
    learns that someone asked, and the asker learns nothing on the page."""
    send_mail(
        settings,
        _message(
            settings,
            to=to,
            subject=f"About your question to {organisation}",
            lines=[
                "Hello,",
                "",
                f"Someone, we hope you, asked on {organisation}'s privacy centre about request"
                f" {reference} using this email address.",
                "We have no request with that reference made from this address, so there is no"
                " code to give.",
                "",
                "Check the reference in the email we sent when the request was made, or make a"
                " new request. If you did not ask, ignore this email.",
                "",
                organisation,
            ],
            now=now,
        ),
    )
