"""The privacy centre's complaint form (`/complaints/new`): public, limited, with a honeypot."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from dataward.complaints import service
from dataward.core import ratelimit
from dataward.core.errors import UsageError
from dataward.core.web import DbSession, KeyringDep, RuntimeDep, public, redirect, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=10_000)]
Short = Annotated[str, Form(max_length=320)]
ACTOR = "public:complaint-form"
# The field bots fill and people never see.
HONEYPOT = "website"
# Per hour: room for a person who makes mistakes, too few to flood the register.
PER_ADDRESS = 10
PER_EMAIL = 3
WINDOW_SECONDS = 3600


@router.get("/complaints/new", dependencies=[public()])
def complaint_form(request: Request) -> HTMLResponse:
    return render(request, "complaints/new.html", {"form": {}, "errors": {}})


@router.post("/complaints/new", dependencies=[public()], response_model=None)
def make_complaint(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    name: Short = "",
    email: Short = "",
    account: Short = "",
    text: Text = "",
    website: Short = "",
) -> Response:
    address = request.client.host if request.client else "unknown"
    ratelimit.hit(
        session, key=f"complaints:ip:{address}", limit=PER_ADDRESS,
        per_seconds=WINDOW_SECONDS, clock=runtime.clock,
    )  # fmt: skip
    if email.strip():
        ratelimit.hit(
            session, key=f"complaints:email:{email.strip().lower()}", limit=PER_EMAIL,
            per_seconds=WINDOW_SECONDS, clock=runtime.clock,
        )  # fmt: skip
    if website:
        return redirect("/complaints/thanks")  # a bot: the answer of success, nothing kept
    errors: dict[str, str] = {}
    if not email.strip():
        errors["email"] = "Enter your email address, so that we can reply."
    if not text.strip():
        errors["text"] = "Tell us what your complaint is about."
    if not errors:
        try:
            service.open_complaint(
                session=session,
                keyring=keyring,
                clock=runtime.clock,
                actor=ACTOR,
                channel="web",
                text=text,
                email=email,
                name=name or None,
                account=account or None,
            )
            return redirect("/complaints/thanks")
        except UsageError as exc:
            errors["email" if "email" in exc.message else "text"] = exc.message
    form = {"name": name, "email": email, "account": account, "text": text}
    return render(request, "complaints/new.html", {"form": form, "errors": errors}, status_code=422)


@router.get("/complaints/thanks", dependencies=[public()])
def thanks(request: Request) -> HTMLResponse:
    return render(request, "complaints/thanks.html")
