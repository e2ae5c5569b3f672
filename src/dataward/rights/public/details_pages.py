"""The privacy centre's "My details": prove an email address by code, see what is held about
it, and correct what the policy marks correctable (a rectification request)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData

from dataward.core.errors import UsageError
from dataward.core.web import DbSession, KeyringDep, RuntimeDep, public, redirect
from dataward.rights.models import PublicProof
from dataward.rights.public import browser, details, proofs
from dataward.rights.public.requests import checked_email
from dataward.rights.public.site import site

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
WRONG_CODE = "That code is not right, has expired or was already used. Ask for a new one below."


def _start_page(
    request: Request, email: str = "", error: str | None = None, status_code: int = 200
) -> HTMLResponse:
    return browser.page(
        request,
        "rights/public/details_start.html",
        {"email": email, "error": error},
        status_code=status_code,
    )


def _proved_email(
    request: Request, session: DbSession, runtime: RuntimeDep, keyring: KeyringDep
) -> tuple[int, str] | None:
    cookie = browser.read(request, runtime.settings, browser.DETAILS)
    if cookie is None or not isinstance(cookie.get("proof"), int):
        return None
    proof_id = int(cookie["proof"])
    email = proofs.proved_email(
        session=session, keyring=keyring, clock=runtime.clock, proof_id=proof_id
    )
    return None if email is None else (proof_id, email)


@router.get("/my-details", dependencies=[public()])
def my_details(
    request: Request, session: DbSession, runtime: RuntimeDep, keyring: KeyringDep
) -> HTMLResponse:
    proved = _proved_email(request, session, runtime, keyring)
    if proved is None:
        return _start_page(request)
    here = site(runtime)
    shown = details.read_details(
        session=session, keyring=keyring, clock=runtime.clock, settings=runtime.settings,
        site=here, email=proved[1],
    )  # fmt: skip
    return browser.page(
        request,
        "rights/public/details.html",
        {"details": shown, "site": here, "error": None},
    )


@router.post("/my-details/start", dependencies=[public()], response_model=None)
def start(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    email: Text = "",
    website: Text = "",
) -> Response:
    browser.limit(session, runtime.clock, request, form="details", email=email)
    if website:
        return redirect("/my-details/code")
    try:
        address = checked_email(email)
    except UsageError as exc:
        return _start_page(request, email, exc.message[:1].upper() + exc.message[1:] + ".", 400)
    code, row = proofs.issue_proof(
        session=session, keyring=keyring, clock=runtime.clock, purpose=proofs.DETAILS,
        email=address,
    )  # fmt: skip
    proofs.send_proof(
        settings=runtime.settings,
        to=address,
        code=code,
        row=row,
        organisation=site(runtime).organisation,
        now=runtime.clock.now(),
    )
    response = redirect("/my-details/code")
    browser.put(response, request, runtime.settings, browser.PENDING, {"proof": row.id})
    return response


def _code_page(request: Request, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    return browser.page(
        request, "rights/public/details_code.html", {"error": error}, status_code=status_code
    )


@router.get("/my-details/code", dependencies=[public()])
def code_form(request: Request) -> HTMLResponse:
    return _code_page(request)


@router.post("/my-details/code", dependencies=[public()], response_model=None)
def prove(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    code: Text = "",
    website: Text = "",
) -> Response:
    browser.limit(session, runtime.clock, request, form="details-code")
    pending = browser.read(request, runtime.settings, browser.PENDING) or {}
    proof_id = pending.get("proof")
    row = session.get(PublicProof, proof_id) if isinstance(proof_id, int) else None
    if website or row is None or row.purpose != proofs.DETAILS:
        return _code_page(request, WRONG_CODE, 400)
    if not proofs.check_proof(
        session=session, keyring=keyring, clock=runtime.clock, row=row, code=code
    ):
        return _code_page(request, WRONG_CODE, 400)
    response = redirect("/my-details")
    browser.put(response, request, runtime.settings, browser.DETAILS, {"proof": row.id})
    browser.drop(response, browser.PENDING)
    return response


async def _form(request: Request) -> FormData:
    return await request.form()


@router.post("/my-details", dependencies=[public()], response_model=None)
def correct(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    form: Annotated[FormData, Depends(_form)],
) -> Response:
    proved = _proved_email(request, session, runtime, keyring)
    if proved is None:
        return _start_page(request, status_code=403)
    browser.limit(session, runtime.clock, request, form="correct")
    submitted = {
        str(name).removeprefix("field:"): str(value)
        for name, value in form.multi_items()
        if str(name).startswith("field:") and isinstance(value, str)
    }
    here = site(runtime)
    shown = details.read_details(
        session=session, keyring=keyring, clock=runtime.clock, settings=runtime.settings,
        site=here, email=proved[1],
    )  # fmt: skip
    try:
        changes = details.corrections(shown, submitted)
    except UsageError as exc:
        error = exc.message[:1].upper() + exc.message[1:] + (f": {exc.fix}." if exc.fix else ".")
        return browser.page(
            request,
            "rights/public/details.html",
            {"details": shown, "site": here, "error": error},
            status_code=400,
        )
    opened = details.open_correction(
        session=session, keyring=keyring, clock=runtime.clock, site=here, email=proved[1],
        changes=changes,
    )  # fmt: skip
    response = redirect(f"/requests/{opened.reference}")
    payload = {"ref": opened.reference, "at": runtime.clock.now().isoformat()}
    browser.put(response, request, runtime.settings, browser.STATUS, payload)
    return response
