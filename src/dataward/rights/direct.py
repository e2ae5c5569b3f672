"""What the direct rights commands share: opening or finding the request, running it inline,
writing the package and reporting per system, in words or JSON."""

from __future__ import annotations

import getpass
import shlex
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
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
from dataward.rights.context import ExecutionContext, Outcome, Retry, require_configured
from dataward.rights.erasure import sla_due_on
from dataward.rights.execution import complete_manual_task, run_request
from dataward.rights.models import ItemOutcome, RequestKind, RightsRequest, TaskMode, TaskState
from dataward.rights.packages import Delivery, deliver, delivery, open_package, package_path
from dataward.rights.schemas import RequesterIdentities
from dataward.rights.steps import item_reason

DEFAULT_POLICY = Path("dataward.yaml")
PACKAGED = frozenset({RequestKind.ACCESS, RequestKind.PORTABILITY})

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
        clock=rt.clock,
        request=request,
        actor=actor,
        evidence=evidence or f"direct CLI request by {getpass.getuser()}",
    )
    return request


def _kept(request: RightsRequest, keyring: Keyring) -> list[dict[str, Any]]:
    groups: Counter[tuple[str, str, str, str, str, date | None]] = Counter()
    for item in request.items:
        if item.outcome in (ItemOutcome.KEPT, ItemOutcome.HELD):
            groups[
                (
                    item.system,
                    item.collection,
                    item.outcome.value,
                    item.ground or "",
                    item_reason(item, keyring=keyring),
                    item.until_on,
                )
            ] += 1
    return [
        {
            "system": s,
            "collection": c,
            "outcome": o,
            "ground": g,
            "reason": r,
            "until_on": u.isoformat() if u else None,
            "records": n,
        }
        for (s, c, o, g, r, u), n in sorted(groups.items(), key=lambda kv: kv[0][:3])
    ]


def _report(
    outcome: Outcome,
    written: Path | None,
    stored: Path | None,
    loaded: LoadedPolicy,
    keyring: Keyring,
) -> dict[str, Any]:
    request = outcome.request
    found = outcome.found
    sla = None
    if request.kind == RequestKind.ERASURE:
        sla = sla_due_on(loaded.policy, request.start_on, [t.system for t in request.tasks])
    return {
        "reference": request.reference,
        "kind": request.kind.value,
        "state": request.state.value,
        "finished": outcome.finished,
        "stopped": outcome.stopped,
        "records_found": len(found.records) if found else None,
        "searched": [f"{s}.{c}" for s, c in found.searched] if found else [],
        "rows_scanned": found.rows_scanned if found else None,
        "tasks": [
            {
                "system": t.system,
                "mode": t.mode.value,
                "state": t.state.value,
                "attempts": t.attempts,
                "last_error": t.last_error,
                "summary": t.summary,
            }
            for t in request.tasks
        ],
        "kept": _kept(request, keyring),
        "forget_held": outcome.forget_held,
        "identities_not_searched": outcome.dropped,
        "needs_review": [
            {"id": i.id, "system": i.system, "collection": i.collection, "reason": i.reason}
            for i in request.review_items
            if i.decision is None
        ],
        "recipients_to_tell": outcome.notify,
        # A request stopped on work done by hand says how to carry on once it is done.
        "next": [
            f"dataward rights task-done {request.reference} --system {shlex.quote(t.system)}"
            for t in request.tasks
            if t.mode == TaskMode.MANUAL and t.state != TaskState.DONE
        ],
        "package": str(written) if written else None,
        "stored_package": str(stored) if stored else None,
        "due_on": request.effective_due_on.isoformat(),
        "sla_due_on": sla.isoformat() if sla else None,
    }


def _print(report: Mapping[str, Any]) -> None:
    state = report["state"]
    if report["stopped"]:
        state = f"{state} (stopped: the request was {report['stopped']})"
    out.print(f"{report['reference']} {report['kind']}: {state}", markup=False)
    for task in report["tasks"]:
        summary = ", ".join(
            f"{k} {v}" for k, v in task["summary"].items() if not isinstance(v, dict)
        )
        line = f"  {task['system']:<20} {task['mode']:<9} {task['state']:<8} {summary}"
        if task["last_error"]:
            line += f"\n    {task['last_error']}"
        out.print(line.rstrip(), markup=False)
    for kept in report["kept"]:
        until = f"until {kept['until_on']}" if kept["until_on"] else "while the ground lasts"
        out.print(
            f"  kept {kept['records']} in {kept['system']}.{kept['collection']}: "
            f"{kept['ground']}: {kept['reason']} ({until})",
            markup=False,
        )
    if report.get("forget_held"):
        out.print(
            f"  the person is under a legal hold ({report['forget_held']}): their records and "
            "Dataward's own copy of them are kept until it is released",
            markup=False,
        )
    for dropped in report["identities_not_searched"]:
        out.print(f"  not searched by {dropped}", markup=False)
    for item in report["needs_review"]:
        out.print(
            f"  needs review #{item['id']} {item['system']}.{item['collection']}: {item['reason']}",
            markup=False,
        )
    if report["recipients_to_tell"]:
        names = ", ".join(report["recipients_to_tell"])
        out.print(f"tell these recipients (Art 19): {names}", markup=False)
    if report["sla_due_on"]:
        out.print(f"promised by {report['sla_due_on']} (the policy's erasure SLA)", markup=False)
    if report["package"]:
        out.print(f"package written to {report['package']}", markup=False)
        if report.get("package_password"):
            _print_password(report["package_password"])
    elif report["stored_package"]:
        out.print(f"package sealed at {report['stored_package']}", markup=False)
    for command in report["next"]:
        out.print(f"then run: {command}", markup=False)


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
        report = _report(outcome, written, stored, loaded, keyring)
        if to is not None and to.password_generated and written is not None:
            report["package_password"] = to.password
    if as_json:
        print_json(report)
    else:
        _print(report)
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
        _print_password(to.password)


def _print_password(password: str) -> None:
    out.print(
        f"the package is encrypted (AES-256); its password is {password}\n"
        "give it to the person another way than the package (read it out on a call-back), "
        "and keep no copy: Dataward does not store it",
        markup=False,
    )
