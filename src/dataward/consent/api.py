"""The consent ledger and the comms gate over JSON, for the systems that collect and send."""

from __future__ import annotations

from fastapi import APIRouter, Request

from dataward.accounts.guard import Principal, api_access
from dataward.accounts.roles import Permission
from dataward.consent import ledger, preferences, recording, screening_api, unsubscribe
from dataward.consent.eligibility import Contact, Screener, target
from dataward.consent.ledger import LedgerAction, Wording
from dataward.consent.schemas import (
    CheckIn,
    EventOut,
    LinkOut,
    LinksIn,
    LinksOut,
    PreferenceOut,
    PreferencesOut,
    RecordIn,
    ScreenedOut,
    ScreenIn,
    ScreenOut,
    VerdictOut,
    Who,
)
from dataward.core.clock import today
from dataward.core.errors import NotFound, UsageError
from dataward.core.web import DbSession, KeyringDep, RuntimeDep
from dataward.people import service as people
from dataward.policy.web import PolicyDep

router = APIRouter(tags=["consent"])


@router.post("/consent/record", status_code=201)
def record(
    body: RecordIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    principal: Principal = api_access(Permission.CONSENT_WRITE),
) -> EventOut:
    """Append one event to the ledger: consent given, withdrawn, objected, or a sale."""
    purpose = body.channel or body.purpose
    if purpose is None or (body.channel and body.purpose):
        raise UsageError("give either channel or purpose", fix='e.g. "channel": "marketing"')
    row = recording.record_consent(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        actor=principal.actor,
        request=recording.RecordRequest(
            purpose=purpose,
            medium=body.medium,
            action=LedgerAction(body.action),
            method=body.how,
            wording=Wording.of(body.wording_version, body.wording),
            email=body.email,
            phone=body.phone,
            name=body.name,
            organisation=body.organisation,
            given_by=body.given_by,
        ),
        policy=loaded.policy,
    )
    return EventOut.model_validate(recording.event_json(keyring, row))


def _pseudonym(session: DbSession, keyring: KeyringDep, who: Who) -> str:
    if who.email is None and who.phone is None:
        raise UsageError("give an email or a phone number")
    person = people.find_person(session=session, keyring=keyring, email=who.email, phone=who.phone)
    if person is None:
        raise NotFound("nobody with that email or phone is in the ledger")
    return person.pseudonym


@router.post("/consent/show")
def show(
    body: Who,
    session: DbSession,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.CONSENT_READ),
) -> PreferencesOut:
    """A person's preference record: the current state of each purpose and medium."""
    pseudonym = _pseudonym(session, keyring, body)
    record = preferences.preferences(session=session, pseudonym=pseudonym)
    return PreferencesOut(
        pseudonym=pseudonym,
        preferences=[
            PreferenceOut(
                purpose=p.purpose,
                medium=p.medium,
                state=p.state,
                since=p.since.isoformat(),
                how=p.method,
                wording_version=p.wording_version,
            )
            for p in record
        ],
    )


@router.post("/consent/history")
def history(
    body: Who,
    session: DbSession,
    keyring: KeyringDep,
    principal: Principal = api_access(Permission.CONSENT_READ),
) -> list[EventOut]:
    """Every event of a person, oldest first."""
    rows = ledger.history(session=session, pseudonym=_pseudonym(session, keyring, body))
    return [EventOut.model_validate(recording.event_json(keyring, row)) for row in rows]


@router.post("/comms/check")
def check(
    body: CheckIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    principal: Principal = api_access(Permission.COMMS_CHECK),
) -> VerdictOut:
    """May this person be contacted on this channel (or for this purpose) now?"""
    if body.email is None and body.phone is None:
        raise UsageError("give an email or a phone number")
    chosen = target(
        loaded.policy,
        channel=body.channel,
        purpose=body.purpose,
        medium=body.medium,
        marketing=body.marketing,
    )
    on = body.on or today(runtime.clock)
    screener = Screener(
        session=session, keyring=keyring, policy=loaded.policy, target=chosen, on=on
    )
    verdict = screener.check(Contact(email=body.email, phone=body.phone))
    return VerdictOut(
        allowed=verdict.allowed,
        reasons=list(verdict.reasons),
        purpose=chosen.purpose,
        medium=chosen.medium.value,
        on=on,
    )


@router.post("/comms/screen")
def screen(
    body: ScreenIn,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    principal: Principal = api_access(Permission.COMMS_CHECK),
) -> ScreenOut:
    """A list of up to 10,000 contacts: each one's verdict, in order (row 1 is the first)."""
    chosen = target(loaded.policy, channel=body.channel, medium=body.medium, marketing=True)
    on = body.on or today(runtime.clock)
    screener = Screener(
        session=session, keyring=keyring, policy=loaded.policy, target=chosen, on=on
    )
    verdicts = screener.verdicts([Contact(email=c.email, phone=c.phone) for c in body.contacts])
    return ScreenOut(
        purpose=chosen.purpose,
        medium=chosen.medium.value,
        on=on,
        allowed=sum(v.allowed for v in verdicts),
        rows=[
            ScreenedOut(row=n, allowed=v.allowed, reasons=list(v.reasons))
            for n, v in enumerate(verdicts, start=1)
        ],
    )


@router.post("/comms/unsubscribe-links")
def unsubscribe_links(
    body: LinksIn,
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
    principal: Principal = api_access(Permission.CONSENT_WRITE),
) -> LinksOut:
    """One-click unsubscribe links for a mailing, one per address (at most 10,000)."""
    tokens = unsubscribe.make_tokens(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        settings=runtime.settings,
        policy=loaded.policy,
        emails=body.emails,
        channel=body.channel,
        medium=body.medium,
    )
    base = str(request.base_url).rstrip("/")
    return LinksOut(
        links=[LinkOut(email=email, url=f"{base}/unsubscribe/{token}") for email, token in tokens]
    )


# The suppression list and the TPS files: their own module, mounted here (one API per domain).
router.include_router(screening_api.router)
