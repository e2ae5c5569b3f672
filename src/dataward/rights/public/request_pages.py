"""The privacy centre's pages for requests: home, a request form per right, the code, the
status page and the package download. Thin: each parses the form, calls public services and
answers with a page or a redirect."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse

from dataward.core.clock import today
from dataward.core.errors import UsageError
from dataward.core.web import DbSession, KeyringDep, RuntimeDep, public, redirect
from dataward.notice import service as notice
from dataward.rights import service, verification
from dataward.rights.models import RequestKind
from dataward.rights.public import browser, links, requests
from dataward.rights.public.requests import RequestForm
from dataward.rights.public.site import RIGHTS, Site, checked_reference, site
from dataward.rights.schemas import PHONE_NUMBER

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
# Said for every failed code, whatever the reason, so that nothing is learnt from it.
WRONG_CODE = (
    "That code is not right, has expired or was already used. Check it, or ask for a new one"
    ' with "Check a request I made".'
)


def _kind(site_: Site, value: str) -> RequestKind:
    try:
        kind = RequestKind(value)
    except ValueError:
        kind = None
    if kind is None or kind not in site_.kinds:
        raise UsageError(
            "there is no such request form", fix="choose one from the privacy centre's start page"
        )
    return kind


@router.get("/", dependencies=[public()])
def home(request: Request, session: DbSession, runtime: RuntimeDep) -> HTMLResponse:
    here = site(runtime)
    version = notice.latest_version(session=session, on=today(runtime.clock))
    return browser.page(
        request,
        "rights/public/home.html",
        {"site": here, "version": version, "rights": [(k, RIGHTS[k][0]) for k in here.kinds]},
    )


def _form_page(
    request: Request,
    here: Site,
    kind: RequestKind,
    form: RequestForm,
    errors: dict[str, str],
    status_code: int = 200,
) -> HTMLResponse:
    return browser.page(
        request,
        "rights/public/request_form.html",
        {
            "site": here,
            "kind": kind.value,
            "title": RIGHTS[kind][0],
            "what": RIGHTS[kind][1],
            "form": form,
            "errors": errors,
        },
        status_code=status_code,
    )


@router.get("/requests/new/{kind}", dependencies=[public()])
def request_form(request: Request, kind: str, runtime: RuntimeDep) -> HTMLResponse:
    here = site(runtime)
    return _form_page(request, here, _kind(here, kind), RequestForm(email=""), {})


def _field_of(message: str) -> str:
    for word, name in (
        ("email", "email"),
        ("detail", "category"),
        ("should say", "value"),
        ("object", "purpose"),
        ("message", "note"),
        ("phone", "phone"),
    ):
        if word in message:
            return name
    return "form"


@router.post("/requests/new/{kind}", dependencies=[public()], response_model=None)
def open_request(
    request: Request,
    kind: str,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    email: Text = "",
    phone: Text = "",
    category: Text = "",
    value: Text = "",
    purpose: Text = "",
    note: Text = "",
    website: Text = "",
) -> Response:
    here = site(runtime)
    chosen = _kind(here, kind)
    browser.limit(session, runtime.clock, request, form="request", email=email)
    if website:
        return redirect("/requests/verify?sent=1")  # a bot: the answer of success, nothing done
    form = RequestForm(email, phone, category, value, purpose, note)
    try:
        opened = requests.open_public_request(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            settings=runtime.settings,
            site=here,
            kind=chosen,
            form=form,
        )
    except UsageError as exc:
        message = exc.message[:1].upper() + exc.message[1:] + "."
        return _form_page(request, here, chosen, form, {_field_of(exc.message): message}, 400)
    response = redirect("/requests/verify?sent=1")
    pending: dict[str, object] = {"ref": opened.reference}
    if verification.code_waiting(session, opened, PHONE_NUMBER, runtime.clock.now()):
        pending["sms"] = 1  # the code page asks for the texted code too
    browser.put(response, request, runtime.settings, browser.PENDING, pending)
    return response


def _verify_page(
    request: Request,
    runtime: RuntimeDep,
    reference: str,
    sent: bool,
    error: str | None,
    status_code: int = 200,
) -> HTMLResponse:
    pending = browser.read(request, runtime.settings, browser.PENDING) or {}
    return browser.page(
        request,
        "rights/public/verify.html",
        {"reference": reference, "sent": sent, "error": error, "texted": bool(pending.get("sms"))},
        status_code=status_code,
    )


@router.get("/requests/verify", dependencies=[public()])
def verify_form(request: Request, runtime: RuntimeDep, sent: int = 0) -> HTMLResponse:
    pending = browser.read(request, runtime.settings, browser.PENDING) or {}
    return _verify_page(request, runtime, str(pending.get("ref", "")), bool(sent), None)


@router.post("/requests/verify", dependencies=[public()], response_model=None)
def verify(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    reference: Text = "",
    code: Text = "",
    phone_code: Text = "",
    website: Text = "",
) -> Response:
    browser.limit(session, runtime.clock, request, form="verify")
    if website:
        return _verify_page(request, runtime, reference, False, WRONG_CODE, 400)
    try:
        proved = requests.prove_code(
            session=session,
            keyring=keyring,
            clock=runtime.clock,
            settings=runtime.settings,
            site=site(runtime),
            reference=reference,
            code=code,
            phone_code=phone_code,
        )
    except UsageError:
        proved = None
    if proved is None:
        return _verify_page(request, runtime, reference, False, WRONG_CODE, 400)
    response = redirect(f"/requests/{proved.reference}")
    payload = {"ref": proved.reference, "at": runtime.clock.now().isoformat()}
    browser.put(response, request, runtime.settings, browser.STATUS, payload)
    browser.drop(response, browser.PENDING)
    return response


@router.get("/requests/check", dependencies=[public()])
def check_form(request: Request) -> HTMLResponse:
    return browser.page(
        request, "rights/public/check.html", {"reference": "", "email": "", "errors": {}}
    )


@router.post("/requests/check", dependencies=[public()], response_model=None)
def check(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    reference: Text = "",
    email: Text = "",
    website: Text = "",
) -> Response:
    browser.limit(session, runtime.clock, request, form="check", email=email)
    if not website:
        try:
            requests.send_status_code(
                session=session,
                keyring=keyring,
                clock=runtime.clock,
                settings=runtime.settings,
                site=site(runtime),
                reference=reference,
                email=email,
            )
        except UsageError as exc:
            field = "reference" if "reference" in exc.message else "email"
            message = exc.message[:1].upper() + exc.message[1:] + "."
            return browser.page(
                request,
                "rights/public/check.html",
                {"reference": reference, "email": email, "errors": {field: message}},
                status_code=400,
            )
    response = redirect("/requests/verify?sent=1")
    # The honeypot's answer may carry a malformed reference: then there is nothing to remember.
    with contextlib.suppress(UsageError):
        pending = {"ref": checked_reference(reference)}
        browser.put(response, request, runtime.settings, browser.PENDING, pending)
    return response


def _proved_for(request: Request, runtime: RuntimeDep, reference: str) -> dict[str, str] | None:
    cookie = browser.read(request, runtime.settings, browser.STATUS)
    if cookie is None or cookie.get("ref") != reference.strip().upper():
        return None
    return {"ref": str(cookie["ref"]), "at": str(cookie.get("at", ""))}


def _not_yours(request: Request) -> HTMLResponse:
    return browser.page(request, "rights/public/not_proved.html", {}, status_code=403)


@router.get("/requests/{reference}", dependencies=[public()])
def status(
    request: Request, reference: str, session: DbSession, runtime: RuntimeDep, keyring: KeyringDep
) -> HTMLResponse:
    if _proved_for(request, runtime, reference) is None:
        return _not_yours(request)
    found = service.get_request(session=session, reference=reference)
    shown = requests.public_status(
        request=found, keyring=keyring.attached(session), clock=runtime.clock,
        settings=runtime.settings,
    )  # fmt: skip
    return browser.page(request, "rights/public/status.html", {"status": shown})


@router.post("/requests/{reference}/download", dependencies=[public()], response_model=None)
def download_link(
    request: Request, reference: str, session: DbSession, runtime: RuntimeDep, keyring: KeyringDep
) -> Response:
    proved = _proved_for(request, runtime, reference)
    if proved is None:
        return _not_yours(request)
    token = links.issue_link(
        session=session,
        keyring=keyring,
        clock=runtime.clock,
        home=runtime.settings.home,
        request=service.get_request(session=session, reference=reference),
        proved_at=datetime.fromisoformat(proved["at"]),
    )
    return redirect(f"/download/{token}")


@router.get("/download/{token}", dependencies=[public()])
def download(token: str, session: DbSession, runtime: RuntimeDep, keyring: KeyringDep) -> Response:
    package = links.redeem_link(
        session=session, keyring=keyring, clock=runtime.clock, home=runtime.settings.home,
        token=token,
    )  # fmt: skip
    return Response(
        package.content,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{package.filename}"',
            "Cache-Control": "no-store",
        },
    )
