"""The privacy centre's "My marketing preferences": prove an email address by a code sent to
it, then tick or untick each marketing channel and medium. The changes land in the same
ledger as every other route.

No table holds the pending code: the browser keeps a signed token with the code's keyed digest
(it cannot read the code from it), attempts are counted by the rate limiter per address, and a
proof lasts half an hour in a signed cookie naming the person's pseudonym only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dataward.consent import preferences
from dataward.consent.ledger import LedgerAction, Medium, Method, Wording, history
from dataward.core import ratelimit
from dataward.core.config import Settings
from dataward.core.crypto import Keyring, normalise_email
from dataward.core.errors import DatawardError, UsageError
from dataward.core.mail import new_message, send_mail
from dataward.core.signing import sign, unsign
from dataward.core.web import DbSession, KeyringDep, RuntimeDep, is_https, public, redirect, render
from dataward.people import service as people
from dataward.policy.schema import ChannelKind, Policy
from dataward.policy.web import PolicyDep

router = APIRouter(include_in_schema=False)
PENDING, PROVED = "dataward_prefs_pending", "dataward_prefs"
PENDING_SALT, PROVED_SALT = "consent.preferences.code", "consent.preferences.proved"
LASTS_SECONDS = 30 * 60
CODES_PER_ADDRESS = 5  # codes sent, and wrong codes tried, per address per half hour
PAGE_VERSION = "privacy centre preferences v1"
ACTOR = "web:privacy-centre"
FormText = Annotated[str, Form(max_length=320)]


@dataclass(frozen=True)
class Choice:
    field: str  # "channel:medium", the checkbox's name
    channel: str
    medium: Medium
    label: str
    ticked: bool


def _cookie(
    response: Response, request: Request, settings: Settings, name: str, value: str
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=LASTS_SECONDS,
        path="/preferences",
        httponly=True,
        samesite="lax",
        secure=is_https(request, trust_proxy=settings.trust_proxy),
    )


def _read(request: Request, settings: Settings, name: str, salt: str) -> dict[str, Any] | None:
    token = request.cookies.get(name)
    if not token or len(token) > 2000:
        return None
    try:
        payload = unsign(settings, salt=salt, token=token, max_age_seconds=LASTS_SECONDS)
    except DatawardError:
        return None
    return payload if isinstance(payload, dict) else None


def _code_digest(keyring: Keyring, session: Session, email_hash: str, code: str) -> str:
    keyring.attach(session)
    return keyring.digest(f"preferences-code:{email_hash}:{code}")


def _marketing(policy: Policy) -> list[tuple[str, str, list[Medium]]]:
    return [
        (name, channel.description or name, [Medium(m.value) for m in channel.media])
        for name, channel in sorted(policy.channels.items())
        if channel.kind is ChannelKind.MARKETING
    ]


def _choices(session: Session, pseudonym: str, policy: Policy) -> list[Choice]:
    ticking = (LedgerAction.GIVEN.value, LedgerAction.SALE.value)
    found = []
    for name, description, media in _marketing(policy):
        events = history(session=session, pseudonym=pseudonym, purposes=[name])
        for medium in media:
            now = preferences.latest(events, medium.value)
            found.append(
                Choice(
                    field=f"{name}:{medium.value}",
                    channel=name,
                    medium=medium,
                    label=f"{description}, by {medium.value.replace('_', ' ')}",
                    ticked=now is not None and now.action in ticking,
                )
            )
    return found


def _wording(choices: list[Choice]) -> Wording:
    lines = ["Tick what you would like to receive; untick to stop it."]
    lines += [choice.label for choice in choices]
    return Wording.of(PAGE_VERSION, "\n".join(lines))


def _start(request: Request, email: str = "", error: str | None = None) -> HTMLResponse:
    context = {"step": "start", "email": email, "error": error}
    return render(request, "consent/preferences.html", context, status_code=400 if error else 200)


@router.get("/preferences", dependencies=[public()])
def preferences_page(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    saved: bool = False,
) -> HTMLResponse:
    proved = _read(request, runtime.settings, PROVED, PROVED_SALT)
    if proved is None:
        return _start(request)
    choices = _choices(session, str(proved["p"]), loaded.policy)
    context = {"step": "choose", "choices": choices, "saved": saved}
    return render(request, "consent/preferences.html", context)


@router.post("/preferences/start", dependencies=[public()], response_model=None)
def start(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    email: FormText = "",
) -> Response:
    try:
        address = normalise_email(email)
    except UsageError as exc:
        return _start(request, email, exc.message[:1].upper() + exc.message[1:] + ".")
    keyring.attach(session)
    email_hash = keyring.identifier_hash("email", address)
    ratelimit.hit(
        session,
        key=f"preferences-code-sent:{email_hash}",
        limit=CODES_PER_ADDRESS,
        per_seconds=LASTS_SECONDS,
        clock=runtime.clock,
    )
    code = f"{secrets.randbelow(10**6):06d}"
    message = new_message(
        runtime.settings,
        to=address,
        subject="Your code for your marketing preferences",
        now=runtime.clock.now(),
    )
    message.set_content(
        f"Your code is {code}\n\nEnter it on the marketing preferences page within 30 minutes. "
        "If you did not ask for it, ignore this email: nothing changes.\n"
    )
    send_mail(runtime.settings, message)
    pending = {
        "h": email_hash,
        "d": _code_digest(keyring, session, email_hash, code),
        # Sealed: the browser holding the token cannot read the address back out of it.
        "e": keyring.seal_note(address, context=PENDING_SALT, session=session),
    }
    response = redirect("/preferences/code")
    token = sign(runtime.settings, salt=PENDING_SALT, payload=pending)
    _cookie(response, request, runtime.settings, PENDING, token)
    return response


@router.get("/preferences/code", dependencies=[public()])
def code_form(request: Request) -> HTMLResponse:
    return render(request, "consent/preferences.html", {"step": "code", "error": None})


@router.post("/preferences/code", dependencies=[public()], response_model=None)
def prove(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    code: FormText = "",
) -> Response:
    pending = _read(request, runtime.settings, PENDING, PENDING_SALT)
    if pending is None:
        return _start(request, error="That code has expired. Ask for a new one.")
    email_hash = str(pending.get("h", ""))
    ratelimit.hit(
        session,
        key=f"preferences-code-tried:{email_hash}",
        limit=CODES_PER_ADDRESS,
        per_seconds=LASTS_SECONDS,
        clock=runtime.clock,
    )
    given = code.strip().replace(" ", "")
    if not secrets.compare_digest(
        _code_digest(keyring, session, email_hash, given), str(pending.get("d", ""))
    ):
        context = {"step": "code", "error": "That code is not right. Check the email we sent."}
        return render(request, "consent/preferences.html", context, status_code=400)
    address = keyring.open_note(str(pending.get("e", "")), context=PENDING_SALT)
    person = people.find_person(session=session, keyring=keyring, email=address)
    response = redirect("/preferences")
    response.delete_cookie(PENDING, path="/preferences")
    if person is None:
        return _start(request, error="We hold no marketing preferences for that address.")
    token = sign(runtime.settings, salt=PROVED_SALT, payload={"p": person.pseudonym})
    _cookie(response, request, runtime.settings, PROVED, token)
    return response


@router.post("/preferences", dependencies=[public()], response_model=None)
async def save(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    loaded: PolicyDep,
) -> Response:
    proved = _read(request, runtime.settings, PROVED, PROVED_SALT)
    if proved is None:
        return _start(request, error="Prove your address again: the last proof has expired.")
    person = people.get_person(session=session, pseudonym=str(proved["p"]))
    form = await request.form()
    choices = _choices(session, person.pseudonym, loaded.policy)
    wording = _wording(choices)
    for channel, _, media in _marketing(loaded.policy):
        preferences.set_choices(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            actor=ACTOR,
            person=person,
            identifier_hash=person.email_hash,
            purpose=channel,
            choices={m: form.get(f"{channel}:{m.value}") == "yes" for m in media},
            wording=wording,
            method=Method.PRIVACY_CENTRE,
        )
    return redirect("/preferences?saved=1")
