"""Console pages of the disclosure register: the list, one disclosure, its decisions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dataward.accounts.guard import Principal, page_access
from dataward.accounts.roles import Permission
from dataward.core.console import LARGEST_ID
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.core.web import DbSession, KeyringDep, RuntimeDep, redirect, render
from dataward.disclosures import service
from dataward.disclosures.grounds import GROUNDS, REQUESTER_KINDS
from dataward.disclosures.web import shown, staff_of
from dataward.policy.web import PolicyDep

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=2000)]
DisclosureId = Annotated[int, Path(ge=1, le=LARGEST_ID)]
PACKAGE_LIMIT = 200 * 1024 * 1024  # read in chunks for the digest, never held whole


def _list_page(
    request: Request,
    session: Session,
    keyring: Keyring,
    principal: Principal,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = [
        shown(service.view(session=session, keyring=keyring, disclosure=d), principal)
        for d in service.list_disclosures(session=session)
    ]
    context: dict[str, Any] = {
        "disclosures": found,
        "kinds": REQUESTER_KINDS,
        "grounds": GROUNDS,
        "errors": errors or {},
        "form": form or {},
        "may_act": principal.can(Permission.OVERSIGHT_ACT),
    }
    return render(request, "disclosures/list.html", context, status_code=status_code)


@router.get("/console/disclosures")
def disclosures_page(
    request: Request,
    session: DbSession,
    keyring: KeyringDep,
    principal: Principal = page_access(Permission.OVERSIGHT_READ),
) -> HTMLResponse:
    return _list_page(request, session, keyring, principal)


@router.post("/console/disclosures", response_model=None)
def open_disclosure(
    request: Request,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    requester_kind: Text = "",
    requester: Text = "",
    ground: Text = "",
    asked: Text = "",
    tickets: Text = "",
    email: Text = "",
    principal: Principal = page_access(Permission.OVERSIGHT_ACT),
) -> Response:
    form = {"requester_kind": requester_kind, "requester": requester, "ground": ground,
            "asked": asked, "tickets": tickets, "email": email}  # fmt: skip
    errors = {
        name: message
        for name, message in (
            ("requester", "Say who is asking." if not requester.strip() else ""),
            ("asked", "Say what personal data they ask for." if not asked.strip() else ""),
        )
        if message
    }
    if not errors:
        try:
            made = service.open_disclosure(
                session=session,
                keyring=keyring,
                clock=runtime.clock,
                staff=staff_of(principal),
                requester_kind=requester_kind,
                requester=requester,
                ground=ground,
                asked=asked,
                tickets=[t for t in tickets.replace(",", " ").split() if t],
                email=email.strip() or None,
            )
            return redirect(f"/console/disclosures/{made.id}")
        except UsageError as exc:
            errors["ground" if "ground" in exc.message else "email"] = str(exc)
    session.rollback()
    return _list_page(
        request, session, keyring, principal, errors=errors, form=form, status_code=422
    )


def _detail(
    request: Request,
    session: Session,
    keyring: Keyring,
    principal: Principal,
    disclosure_id: int,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    found = service.get_disclosure(session=session, disclosure_id=disclosure_id)
    context = {
        "d": shown(service.view(session=session, keyring=keyring, disclosure=found), principal),
        "errors": errors or {},
        "may_act": principal.can(Permission.OVERSIGHT_ACT),
    }
    return render(request, "disclosures/detail.html", context, status_code=status_code)


@router.get("/console/disclosures/{disclosure_id}")
def disclosure_page(
    request: Request,
    disclosure_id: DisclosureId,
    session: DbSession,
    keyring: KeyringDep,
    principal: Principal = page_access(Permission.OVERSIGHT_READ),
) -> HTMLResponse:
    return _detail(request, session, keyring, principal, disclosure_id)


@router.post("/console/disclosures/{disclosure_id}/decision", response_model=None)
def decide(
    request: Request,
    disclosure_id: DisclosureId,
    session: DbSession,
    runtime: RuntimeDep,
    loaded: PolicyDep,
    keyring: KeyringDep,
    note: Text = "",
    decision: Text = "",
    principal: Principal = page_access(Permission.OVERSIGHT_ACT),
) -> Response:
    if not note.strip():
        errors = {"note": "Say what you checked, or why it is refused."}
    else:
        try:
            service.decide(
                session=session,
                keyring=keyring,
                clock=runtime.clock,
                policy=loaded.policy,
                staff=staff_of(principal),
                disclosure_id=disclosure_id,
                approve=decision == "approve",
                note=note,
            )
            return redirect(f"/console/disclosures/{disclosure_id}")
        except Conflict as exc:
            errors = {"note": str(exc)}
    session.rollback()
    return _detail(
        request, session, keyring, principal, disclosure_id, errors=errors, status_code=422
    )


def _chunks(upload: UploadFile) -> Iterator[bytes]:
    read = 0
    while chunk := upload.file.read(1 << 16):
        read += len(chunk)
        if read > PACKAGE_LIMIT:
            raise UsageError("the package is larger than 200 MB", fix="record its digest by API")
        yield chunk


@router.post("/console/disclosures/{disclosure_id}/release", response_model=None)
def release(
    request: Request,
    disclosure_id: DisclosureId,
    session: DbSession,
    runtime: RuntimeDep,
    keyring: KeyringDep,
    package: UploadFile,
    released_what: Text = "",
    principal: Principal = page_access(Permission.OVERSIGHT_ACT),
) -> Response:
    errors: dict[str, str] = {}
    if not released_what.strip():
        errors["released_what"] = "Say what was released."
    if not package.filename:
        errors["package"] = "Choose the file that was handed over."
    if not errors:
        try:
            service.release(
                session=session,
                keyring=keyring,
                clock=runtime.clock,
                staff=staff_of(principal),
                disclosure_id=disclosure_id,
                released_what=released_what,
                package_name=package.filename or "package",
                package_sha256=service.package_digest(_chunks(package)),
            )
            return redirect(f"/console/disclosures/{disclosure_id}")
        except (Conflict, UsageError) as exc:
            errors["package"] = str(exc)
    session.rollback()
    return _detail(
        request, session, keyring, principal, disclosure_id, errors=errors, status_code=422
    )
