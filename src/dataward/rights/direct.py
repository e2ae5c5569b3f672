"""What the direct rights commands share: opening or finding the request, running it inline,
writing the package and reporting per system, in words or JSON."""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from dataward.connectors.registry import environ_with
from dataward.core.console import (
    EXIT_FAILED,
    cli_actor,
    out,
    parse_refs,
    print_json,
    ready_runtime,
)
from dataward.core.crypto import Keyring
from dataward.core.errors import Conflict, UsageError
from dataward.core.runtime import Runtime
from dataward.policy.service import LoadedPolicy, load_policy
from dataward.rights import service
from dataward.rights.context import ExecutionContext, Retry, require_configured
from dataward.rights.execution import complete_manual_task, run_request
from dataward.rights.models import RequestKind, RightsRequest
from dataward.rights.packages import (
    PACKAGED,
    Delivery,
    deliver,
    delivery,
    open_package,
    package_path,
)
from dataward.rights.run_report import print_password, print_run_report, run_report
from dataward.rights.schemas import RequesterIdentities

DEFAULT_POLICY = Path("dataward.yaml")

_COMMAND = {
    RequestKind.ACCESS: "access",
    RequestKind.ERASURE: "erase",
    RequestKind.RECTIFICATION: "rectify",
    RequestKind.RESTRICTION: "restrict",
    RequestKind.OBJECTION: "object",
    RequestKind.PORTABILITY: "portability",
}


def _open_or_get(
    *,
    session: Session,
    keyring: Keyring,
    rt: Runtime,
    kind: RequestKind | None,
    loaded: LoadedPolicy,
    reference: str | None,
    identities: RequesterIdentities,
    purposes: Sequence[str],
    details: Mapping[str, Any] | None,
    evidence: str | None,
) -> RightsRequest:
    actor = cli_actor()
    if reference is not None:
        request = service.get_request(session=session, reference=reference)
        if kind is not None and request.kind != kind:
            raise Conflict(
                f"{request.reference} is a {request.kind.value} request, not {kind.value}",
                fix=f"use `dataward rights {_COMMAND[request.kind]} --reference "
                f"{request.reference}`",
            )
        return request
    if kind is None:
        raise UsageError("name the kind of request to open")
    if (identities.phone or identities.extra) and not (evidence and evidence.strip()):
        raise UsageError(
            "say what you checked to tie the phone number or reference to the person",
            fix="add --evidence, e.g. --evidence 'called the number back; caller confirmed the"
            " account postcode'",
        )
    request = service.open_request(
        session=session,
        keyring=keyring,
        clock=rt.clock,
        actor=actor,
        kind=kind,
        identities=identities,
        policy=loaded,
        purposes=purposes,
        details=details,
    )
    # Staff at the server vouch for what they typed; for a phone or a reference they must say
    # what tied it to the person, as a requester would have to prove it.
    service.assert_identities(
        session=session,
        keyring=keyring,
        clock=rt.clock,
        request=request,
        actor=actor,
        evidence=evidence or f"direct CLI request by {getpass.getuser()}",
    )
    return request


def execute(
    *,
    kind: RequestKind | None,
    policy: Path | None,
    reference: str | None,
    identities: RequesterIdentities | None = None,
    purposes: Sequence[str] = (),
    details: Mapping[str, Any] | None = None,
    env_file: Path | None = None,
    out_path: Path | None = None,
    encrypt: bool = False,
    password_file: Path | None = None,
    complete: bool = False,
    retries: int = 3,
    confirm_system: str | None = None,
    as_json: bool = False,
    evidence: str | None = None,
) -> None:
    """Open (or find) the request, run it, write its package; exit 1 unless it finished.

    `kind` None runs the existing request `reference` whatever its kind."""
    to = _delivery(out_path, encrypt, password_file)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    environ = environ_with(env_file)
    with rt.transaction() as session:
        if reference is None:
            if kind is None:
                raise UsageError("name the request to run", fix="dataward rights run DW-...")
            if identities is None:
                raise UsageError(
                    "say who the request is about", fix="give --email, --phone or --ref KEY=VALUE"
                )
            loaded = load_policy(policy or DEFAULT_POLICY)
            require_configured(loaded, environ=environ)
        else:
            existing = service.get_request(session=session, reference=reference)
            loaded = load_policy(policy or Path(existing.policy_path))
        request = _open_or_get(
            session=session,
            keyring=keyring,
            rt=rt,
            kind=kind,
            loaded=loaded,
            reference=reference,
            identities=identities or RequesterIdentities(),
            purposes=purposes,
            details=details,
            evidence=evidence,
        )
        if confirm_system is not None:
            complete_manual_task(
                session=session,
                clock=rt.clock,
                request=request,
                system=confirm_system,
                actor=cli_actor(),
            )
        # The request exists from here on, whatever happens to the systems.
        session.commit()
        ctx = ExecutionContext(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            home=rt.settings.home,
            actor=cli_actor(),
            loaded=loaded,
            environ=environ,
            retry=Retry(attempts=retries),
            commit=session.commit,
        )
        outcome = run_request(ctx=ctx, request=request)
        if complete and outcome.finished and request.state.value == "awaiting_review":
            service.approve(session=session, clock=rt.clock, request=request, actor=ctx.actor)
        written: Path | None = None
        stored: Path | None = None
        if request.kind in PACKAGED and outcome.finished:
            stored = package_path(rt.settings.home, request.reference)
            content = outcome.package
            if content is None:
                content = open_package(
                    session=session,
                    keyring=keyring,
                    person=service.request_person(session=session, request=request),
                    home=rt.settings.home,
                    reference=request.reference,
                )
            if to is not None:
                written = deliver(content, to)
        report = run_report(outcome, written, stored, loaded, keyring)
        if to is not None and to.password_generated and written is not None:
            report["package_password"] = to.password
    if as_json:
        print_json(report)
    else:
        print_run_report(report)
    if not outcome.finished:
        raise typer.Exit(EXIT_FAILED)


def identities_from(
    email: str | None, phone: str | None, refs: Sequence[str] | None
) -> RequesterIdentities | None:
    if email is None and phone is None and not refs:
        return None
    return RequesterIdentities(email=email, phone=phone, extra=parse_refs(refs))


def _delivery(out_path: Path | None, encrypt: bool, password_file: Path | None) -> Delivery | None:
    if out_path is None:
        if encrypt or password_file is not None:
            raise UsageError(
                "--encrypt and --password-file lock a package written with --out",
                fix="add --out FILE.zip",
            )
        return None
    return delivery(out_path=out_path, encrypt=encrypt, password_file=password_file)


def write_stored_package(
    *,
    reference: str,
    out_path: Path,
    encrypt: bool = False,
    password_file: Path | None = None,
    as_json: bool = False,
) -> None:
    to = delivery(out_path=out_path, encrypt=encrypt, password_file=password_file)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        if request.kind not in PACKAGED:
            raise UsageError(
                f"{request.reference} is a {request.kind.value} request: it has no package"
            )
        content = open_package(
            session=session,
            keyring=keyring,
            person=service.request_person(session=session, request=request),
            home=rt.settings.home,
            reference=request.reference,
        )
    deliver(content, to)
    if as_json:
        written: dict[str, str] = {"reference": request.reference, "written": str(out_path)}
        if to.password_generated and to.password is not None:
            written["package_password"] = to.password
        print_json(written)
        return
    out.print(f"package for {request.reference} written to {out_path}", markup=False)
    _tell_password(to)


def _tell_password(to: Delivery | None) -> None:
    if to is not None and to.password_generated and to.password is not None:
        print_password(to.password)
