"""A person's own request on the privacy centre: open it, prove the code, see how it stands.

The same services as `dataward rights open | send-code | verify`, with the privacy centre as
the actor. Nothing here tells a visitor whether an address or a reference is known: a wrong
reference, a wrong address and a wrong code all read the same.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataward.connectors.registry import environ_for_jobs
from dataward.core.clock import Clock, today
from dataward.core.config import Settings
from dataward.core.crypto import Keyring, normalise_email
from dataward.core.errors import Conflict, DatawardError, UsageError
from dataward.rights import service
from dataward.rights.context import require_configured
from dataward.rights.models import RequestKind, RequestState, RightsRequest
from dataward.rights.proof import UNVERIFIED
from dataward.rights.public import proofs
from dataward.rights.public.links import package_ready
from dataward.rights.public.proofs import ACTOR
from dataward.rights.public.site import RIGHTS, Site, checked_reference
from dataward.rights.rectification import normalise_change
from dataward.rights.schemas import EMAIL, PHONE_NUMBER, RequesterIdentities
from dataward.rights.verification import code_waiting

S = RequestState
log = logging.getLogger(__name__)
LONGEST_NOTE = 4000
LONGEST_VALUE = 500


@dataclass(frozen=True)
class RequestForm:
    """What the person typed; each field is checked by `checked`."""

    email: str
    phone: str = ""
    category: str = ""
    value: str = ""
    purpose: str = ""
    note: str = ""


def checked_email(text: str) -> str:
    try:
        return normalise_email(text)
    except UsageError as exc:
        raise UsageError(
            "enter your email address, like name@example.com", fix="check it for typing errors"
        ) from exc


def _details(site: Site, kind: RequestKind, form: RequestForm) -> tuple[dict[str, Any], list[str]]:
    details: dict[str, Any] = {}
    purposes: list[str] = []
    note = form.note.strip()
    if len(note) > LONGEST_NOTE:
        raise UsageError(f"please keep the message under {LONGEST_NOTE} characters")
    if note:
        details["note"] = note
    if kind is RequestKind.RECTIFICATION:
        allowed = {c.value for c in site.correctable}
        if form.category not in allowed:
            raise UsageError("choose which detail is wrong", fix="pick one from the list")
        value = form.value.strip()
        if not value or len(value) > LONGEST_VALUE:
            raise UsageError("enter what it should say", fix=f"up to {LONGEST_VALUE} characters")
        details["changes"] = {form.category: normalise_change(form.category, value)}
    if kind is RequestKind.OBJECTION or (kind is RequestKind.RESTRICTION and form.purpose):
        if form.purpose not in {c.value for c in site.purposes}:
            raise UsageError("choose what you object to", fix="pick one from the list")
        purposes = [form.purpose]
    return details, purposes


def open_public_request(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    settings: Settings,
    site: Site,
    kind: RequestKind,
    form: RequestForm,
) -> RightsRequest:
    """Open the request as received today and email its verification code."""
    if kind not in site.kinds:
        raise UsageError(f"{kind.value} is not a request this business takes here")
    email = checked_email(form.email)
    details, purposes = _details(site, kind, form)
    require_configured(site.loaded, environ=environ_for_jobs(settings.systems_env_file))
    identities = RequesterIdentities(
        email=email, phone=form.phone.strip() or None if site.asks_phone else None
    )
    request = service.open_request(
        session=session,
        keyring=keyring,
        clock=clock,
        actor=ACTOR,
        kind=kind,
        identities=identities,
        policy=site.loaded,
        purposes=purposes,
        details=details,
    )
    _send_code(session, keyring, clock, settings, site, request, by="email")
    if identities.phone is not None:
        text_phone_code(
            session=session, keyring=keyring, clock=clock, settings=settings, site=site,
            request=request,
        )  # fmt: skip
    return request


def _send_code(
    session: Session,
    keyring: Keyring,
    clock: Clock,
    settings: Settings,
    site: Site,
    request: RightsRequest,
    *,
    by: str,
) -> None:
    service.send_code(
        session=session, keyring=keyring, clock=clock, settings=settings, request=request,
        actor=ACTOR, organisation=site.organisation, by=by,
    )  # fmt: skip


def texts_codes(settings: Settings) -> bool:
    """An SMS gateway is configured, so a phone number given on a form gets its own code."""
    return bool(settings.sms_http_url or settings.sms_email_domain)


def text_phone_code(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    settings: Settings,
    site: Site,
    request: RightsRequest,
) -> bool:
    """Text a code to the phone number given on the form, when a gateway is configured.

    The phone is only searched once proved, like every identity. A gateway that refuses, or a
    number past its limit of codes, costs the request nothing: it stands on its email, and
    the phone can still be proved by staff (a call-back)."""
    if not texts_codes(settings):
        return False
    try:
        with session.begin_nested():
            _send_code(session, keyring, clock, settings, site, request, by="sms")
    except DatawardError as exc:
        log.warning("no code texted for request %s: %s", request.reference, exc.message)
        return False
    return True


def _find(session: Session, reference: str) -> RightsRequest | None:
    return session.scalar(select(RightsRequest).where(RightsRequest.reference == reference))


def _awaits_code(session: Session, request: RightsRequest, now: datetime) -> bool:
    """The request still waits for the code it was opened with (by email)."""
    return request.state in UNVERIFIED and code_waiting(session, request, EMAIL, now)


def prove_code(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    settings: Settings,
    site: Site,
    reference: str,
    code: str,
    phone_code: str = "",
) -> RightsRequest | None:
    """The request when the code proves it: its first verification (then it is queued to run,
    as `rights verify` does) or a later status check. None for any failure, counted.

    With the first verification the code texted to the phone, when one was, is checked too:
    both are proved in the same transaction as the run is queued, so the run searches by
    both; a phone left unproved is left out of the search, as the request's report says."""
    wanted = checked_reference(reference)
    request = _find(session, wanted)
    if request is None:
        return None
    now = clock.now()
    if _awaits_code(session, request, now):
        require_configured(site.loaded, environ=environ_for_jobs(settings.systems_env_file))
        check = service.verify_with_code(
            session=session,
            keyring=keyring,
            clock=clock,
            request=request,
            code=code,
            actor=ACTOR,
            identity=EMAIL,
        )
        if not check.ok:
            return None
        if phone_code.strip() and code_waiting(session, request, PHONE_NUMBER, now):
            # Counted like any code; a wrong one leaves the phone out, not the request.
            service.verify_with_code(
                session=session,
                keyring=keyring,
                clock=clock,
                request=request,
                code=phone_code,
                actor=ACTOR,
                identity=PHONE_NUMBER,
            )
        return request
    row = proofs.live_status_proof(session, request, now)
    if row is None:
        return None
    ok = proofs.check_proof(session=session, keyring=keyring, clock=clock, row=row, code=code)
    return request if ok else None


def send_status_code(
    *,
    session: Session,
    keyring: Keyring,
    clock: Clock,
    settings: Settings,
    site: Site,
    reference: str,
    email: str,
) -> None:
    """Email a fresh code when the reference and address match a request; otherwise email the
    address that nothing matched. The page says the same either way."""
    wanted = checked_reference(reference)
    address = checked_email(email)
    keyring.attach(session)
    request = _find(session, wanted)
    person = service.request_person(session=session, request=request) if request else None
    matches = (
        person is not None
        and person.email_hash is not None
        and person.email_hash == keyring.identifier_hash("email", address)
    )
    if request is None or not matches:
        proofs.send_no_match(
            settings=settings,
            to=address,
            reference=wanted,
            organisation=site.organisation,
            now=clock.now(),
        )
        return
    if request.state in UNVERIFIED:
        # Never verified: the fresh code is the request's own, and proving it verifies it.
        # Past the limit on codes nothing is sent, and the page says what it always says.
        with contextlib.suppress(Conflict):
            service.send_code(
                session=session,
                keyring=keyring,
                clock=clock,
                settings=settings,
                request=request,
                actor=ACTOR,
                organisation=site.organisation,
                by="email",
            )
        return
    code, row = proofs.issue_proof(
        session=session,
        keyring=keyring,
        clock=clock,
        purpose=proofs.STATUS,
        email=address,
        request=request,
    )
    proofs.send_proof(
        settings=settings,
        to=address,
        code=code,
        row=row,
        organisation=site.organisation,
        now=clock.now(),
        reference=request.reference,
    )


STATE_WORDS: Mapping[RequestState, str] = {
    S.RECEIVED: "Received: waiting for you to confirm it is you",
    S.AWAITING_VERIFICATION: "Received: waiting for you to confirm it is you",
    S.VERIFIED: "Confirmed: we are working on it",
    S.IN_PROGRESS: "In progress: we are working on it",
    S.PAUSED: "On hold: we are waiting for your answer to our question",
    S.AWAITING_REVIEW: "Nearly done: a member of our team is checking the work",
    S.COMPLETED: "Completed",
    S.REFUSED: "Refused",
    S.WITHDRAWN: "Withdrawn",
}

NEXT_STEP: Mapping[RequestState, str] = {
    S.RECEIVED: "Enter the code we emailed you. We start work once we know the request is yours.",
    S.AWAITING_VERIFICATION: "Enter the code we emailed you. We start work once we know the"
    " request is yours.",
    S.VERIFIED: "We are going through each of our systems. You need do nothing.",
    S.IN_PROGRESS: "We are going through each of our systems. You need do nothing.",
    S.PAUSED: "We have asked you a question. The time we have to answer stops until you reply.",
    S.AWAITING_REVIEW: "A member of our team checks the result before we reply to you.",
    S.COMPLETED: "Your request is complete. We have written to you with the outcome.",
    S.REFUSED: "We have written to you with our reasons and your right to complain.",
    S.WITHDRAWN: "You told us you no longer want this request answered. Nothing more happens.",
}


@dataclass(frozen=True)
class PublicStatus:
    reference: str
    kind: RequestKind
    what: str
    state: RequestState
    state_words: str
    next_step: str
    received_on: date
    due_on: date
    days_left: int
    extended: bool
    paused: bool
    open: bool
    package_ready: bool
    refusal: str | None


def public_status(
    *, request: RightsRequest, keyring: Keyring, clock: Clock, settings: Settings
) -> PublicStatus:
    summary = service.summarise(request, today_on=today(clock))
    state = RequestState(request.state)
    ready = package_ready(request, settings.home)
    next_step = NEXT_STEP[state]
    if ready:
        next_step = "Your data is ready. Download it below: the link works once."
    refusal = service.refusal_notice(request, keyring=keyring) if state == S.REFUSED else None
    return PublicStatus(
        reference=request.reference,
        kind=RequestKind(request.kind),
        what=RIGHTS[RequestKind(request.kind)][1],
        state=state,
        state_words=STATE_WORDS[state],
        next_step=next_step,
        received_on=request.received_on,
        due_on=summary.due_on,
        days_left=summary.days_left,
        extended=summary.extended,
        paused=summary.clock_stopped,
        open=request.is_open,
        package_ready=ready,
        refusal=refusal,
    )
