"""Proof that the requester is who they say: a one-time code by email, or evidence staff saw.

Identity moves the start of the clock (RULES.md §1): the day the proof arrives is the new
start, and the due date is worked out again from it.
"""

from __future__ import annotations

import enum
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.core import jobs, mail
from dataward.core.clock import LONDON, Clock, today
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.mail import new_message
from dataward.rights import notes, workflow
from dataward.rights.deadlines import start_date
from dataward.rights.models import (
    RequestKind,
    RequestState,
    RightsRequest,
    VerificationCode,
    VerificationMethod,
)
from dataward.rights.schemas import EMAIL

CODE_DIGITS = 6
CODE_VALID_FOR = timedelta(hours=24)
# Five guesses at a six-digit code: a one in 200,000 chance for someone guessing.
MAX_ATTEMPTS = 5
EXECUTE_JOB = "rights.execute"

WHAT_IT_IS_FOR = {
    RequestKind.ACCESS: "a copy of the personal data we hold about you",
    RequestKind.ERASURE: "erasure of the personal data we hold about you",
    RequestKind.RECTIFICATION: "correction of personal data we hold about you",
    RequestKind.RESTRICTION: "restriction of how we use your personal data",
    RequestKind.OBJECTION: "your objection to how we use your personal data",
    RequestKind.PORTABILITY: "your personal data in a portable, machine-readable form",
}


class CodeOutcome(enum.StrEnum):
    VERIFIED = "verified"
    WRONG = "wrong"
    # Too many wrong guesses: this code is dead and a new one must be sent.
    LOCKED = "locked"
    EXPIRED = "expired"
    NO_CODE = "no_code"


@dataclass(frozen=True)
class CodeCheck:
    outcome: CodeOutcome
    attempts_left: int
    # The identity the code proved, when it did.
    identity: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is CodeOutcome.VERIFIED

    def explain(self, reference: str) -> str:
        resend = f"send a new code with `dataward rights send-code {reference}`"
        if self.outcome is CodeOutcome.WRONG:
            plural = "attempt" if self.attempts_left == 1 else "attempts"
            return f"the code is wrong; {self.attempts_left} {plural} left"
        if self.outcome is CodeOutcome.LOCKED:
            return f"too many wrong codes: this code no longer works; {resend}"
        if self.outcome is CodeOutcome.EXPIRED:
            return f"the code has expired; {resend}"
        if self.outcome is CodeOutcome.NO_CODE:
            return f"no code was sent for {reference}; {resend}"
        return "identity verified"


def _code_hash(keyring: Keyring, request: RightsRequest, code: str, identity: str) -> str:
    # Keyed, and bound to the request and the address it went to: a leaked table does not give
    # away codes by guessing, and a code for one request (or one address) proves no other.
    if identity == EMAIL:
        return keyring.digest(f"rights-code:{request.reference}:{code}")
    return keyring.digest(f"rights-code:{request.reference}:{identity}:{code}")


def _live(request: RightsRequest, identity: str | None = None) -> Select[VerificationCode]:
    """The request's codes not yet used or revoked (for one identity, if named)."""
    query = select(VerificationCode).where(
        VerificationCode.request_id == request.id,
        VerificationCode.used_at.is_(None),
        VerificationCode.revoked_at.is_(None),
    )
    if identity is not None:
        query = query.where(VerificationCode.identity == identity)
    return query


def _live_codes(
    session: Session, request: RightsRequest, identity: str | None = None
) -> list[VerificationCode]:
    return list(session.scalars(_live(request, identity).order_by(VerificationCode.id.desc())))


def code_waiting(session: Session, request: RightsRequest, identity: str, now: datetime) -> bool:
    """A code sent for this identity of the request is still waiting to be entered."""
    waiting = _live(request, identity).where(VerificationCode.expires_at > now).limit(1)
    return session.scalar(waiting) is not None


def live_identities(session: Session, request: RightsRequest) -> set[str]:
    """The identities a code is out for and still unused."""
    return {row.identity for row in _live_codes(session, request)}


def issue_code(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    identity: str = EMAIL,
    address_digest: str | None = None,
    valid_for: timedelta = CODE_VALID_FOR,
) -> tuple[str, VerificationCode]:
    """A fresh code for one identity of the request; its earlier unused code stops working."""
    keyring.attach(session)
    now = clock.now()
    for older in _live_codes(session, request, identity):
        older.revoked_at = now
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    row = VerificationCode(
        request_id=request.id,
        code_hash=_code_hash(keyring, request, code, identity),
        created_at=now,
        expires_at=now + valid_for,
        attempts=0,
        identity=identity,
        address_digest=address_digest,
    )
    session.add(row)
    session.flush()
    return code, row


def code_message(
    *,
    settings: Settings,
    to: str,
    code: str,
    request: RightsRequest,
    expires_at: datetime,
    organisation: str | None,
    now: datetime,
) -> EmailMessage:
    """The email: what the code is for, the code, when it expires, and what to do if unasked."""
    sender = organisation or "us"
    expiry = expires_at.astimezone(LONDON)
    message = new_message(
        settings,
        to=to,
        subject=f"Your verification code for request {request.reference}",
        now=now,
    )
    message.set_content(
        "\n".join(
            [
                "Hello,",
                "",
                f"You asked {sender} for {WHAT_IT_IS_FOR[RequestKind(request.kind)]}"
                f" (request {request.reference}).",
                "Before we act on it we need to check that the request comes from you.",
                "",
                f"Your verification code is: {code}",
                "",
                f"It expires at {expiry:%H:%M} on {expiry.day} {expiry:%B %Y} (UK time)"
                " and can be used once. Give it only to us, in reply to this request.",
                "",
                "If you did not make this request, ignore this email: nothing will happen"
                " without the code.",
                "",
                sender if organisation else "",
            ]
        ).rstrip()
        + "\n"
    )
    return message


def send_mail(settings: Settings, message: EmailMessage) -> None:
    """Hand the message to the configured SMTP server (DATAWARD_SMTP_*)."""
    mail.send_mail(
        settings, message, fix=mail.SMTP_FIX + ", or verify identity with --evidence instead"
    )


def check_code(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    code: str,
    identity: str | None = None,
) -> CodeCheck:
    """Compare a code with the live one (the latest sent, or the latest sent to `identity`),
    counting the attempt whatever the result."""
    keyring.attach(session)
    live = _live_codes(session, request, identity)
    if not live:
        return CodeCheck(CodeOutcome.NO_CODE, 0)
    current = live[0]
    now = clock.now()
    if current.attempts >= MAX_ATTEMPTS:
        return CodeCheck(CodeOutcome.LOCKED, 0)
    if now >= current.expires_at:
        return CodeCheck(CodeOutcome.EXPIRED, 0)
    current.attempts += 1
    left = MAX_ATTEMPTS - current.attempts
    given = code.strip().replace(" ", "")
    expected = _code_hash(keyring, request, given, current.identity)
    if hmac.compare_digest(current.code_hash, expected):
        current.used_at = now
        session.flush()
        return CodeCheck(CodeOutcome.VERIFIED, left, current.identity)
    session.flush()
    return CodeCheck(CodeOutcome.LOCKED if left == 0 else CodeOutcome.WRONG, left)


def check_identity_day(*, request: RightsRequest, clock: Clock, identity_on: date | None) -> date:
    """The day the proof arrived: today unless given, never before receipt or after today."""
    identity_on = identity_on or today(clock)
    if identity_on < request.received_on:
        raise UsageError(
            f"identity cannot be proved on {identity_on}, before the request was received"
            f" ({request.received_on})"
        )
    if identity_on > today(clock):
        raise UsageError(f"identity evidence cannot arrive in the future ({identity_on})")
    return identity_on


def mark_verified(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    request: RightsRequest,
    actor: str,
    method: VerificationMethod,
    evidence: str,
    identity_on: date | None = None,
) -> None:
    """Record the proof, restart the clock from it, and hand the request to execution."""
    identity_on = check_identity_day(request=request, clock=clock, identity_on=identity_on)
    request.verification_method = method
    request.verified_at = clock.now()
    request.verified_by = actor
    request.verification_evidence = keyring.seal_note(
        evidence, context=notes.EVIDENCE, session=session
    )
    request.start_on = start_date(request.received_on, identity_on=identity_on)
    workflow.refresh_due_dates(request)
    workflow.transition(
        session=session,
        clock=clock,
        request=request,
        to=RequestState.VERIFIED,
        actor=actor,
        reason=f"identity verified by {method.value}",
        details={"start_on": request.start_on.isoformat(), "due_on": request.due_on.isoformat()},
    )
    workflow.transition(
        session=session, clock=clock, request=request, to=RequestState.IN_PROGRESS, actor=actor
    )
    queue_execution(session=session, clock=clock, request=request, occasion="verified")


def queue_execution(
    *, session: Session, clock: Clock, request: RightsRequest, occasion: str
) -> jobs.Job:
    """Ask a worker to run the request on every system (the handler lives in execution.py)."""
    return jobs.enqueue(
        session=session,
        clock=clock,
        kind=EXECUTE_JOB,
        payload={"request_id": request.id},
        dedupe_key=f"{EXECUTE_JOB}:{request.id}:{occasion}",
    )


def record_failed_attempt(
    *, session: Session, clock: Clock, request: RightsRequest, actor: str, check: CodeCheck
) -> None:
    audit.record(
        session=session,
        clock=clock,
        actor=actor,
        action="rights.verification.failed",
        object_type="rights_request",
        object_id=request.reference,
        subject=request.person_pseudonym,
        details={"outcome": check.outcome.value, "attempts_left": check.attempts_left},
    )
