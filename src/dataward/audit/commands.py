"""`dataward audit verify | log | checkpoint`."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated, Any

import typer

from dataward.audit import browse, checkpoints, runs, service, witness
from dataward.audit.models import AuditEvent
from dataward.audit.schemas import verify_out
from dataward.core.console import (
    EXIT_FAILED,
    handle_errors,
    out,
    print_json,
    ready_runtime,
)
from dataward.core.crypto import load_signing_key, signing_key_id
from dataward.core.errors import UsageError

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
@handle_errors
def verify_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    no_witness: Annotated[
        bool,
        typer.Option(
            "--no-witness",
            help="Verify without the witness file (say so only when it is truly lost).",
        ),
    ] = False,
) -> None:
    """Recompute the hash chain, check every checkpoint signature and compare with the witness."""
    rt = ready_runtime()
    with rt.transaction() as session:
        # A long log is checked on every core this process may use.
        found = browse.verify_everything(
            session=session,
            settings=rt.settings,
            use_witness=not no_witness,
            workers=runs.cores(),
        )
    report = found.chain
    if as_json:
        print_json({**verify_out(found).model_dump(), "witness_checked": not no_witness})
    elif report.problem is not None:
        out.print(f"audit log TAMPERED: {report.problem}", markup=False)
        out.print(f"{report.events} events verified before it", markup=False)
    else:
        out.print(
            f"audit log intact: {report.events} events verified, "
            f"{report.checkpoints} signed checkpoints, "
            f"{report.witnessed} of them matched against the witness",
            markup=False,
        )
        if no_witness:
            out.print(
                "verified WITHOUT the witness: a log rewritten or shortened by someone with "
                "write access to the database would not show",
                markup=False,
            )
        if report.unsigned_tail:
            out.print(
                f"{report.unsigned_tail} events after checkpoint {report.last_checkpoint} are "
                "chained but not yet signed (`dataward audit checkpoint` signs them now)",
                markup=False,
            )
    if not as_json:
        for check in found.records:
            if check.problem is not None:
                out.print(f"{check.name} TAMPERED: {check.problem}", markup=False)
            elif check.checked:
                out.print(
                    f"{check.name}: {check.checked} records match their audit events", markup=False
                )
    if not found.ok:
        raise typer.Exit(EXIT_FAILED)


def _event_json(event: AuditEvent) -> dict[str, Any]:
    return {**service.event_fields(event), "hash": event.hash}


@audit_app.command("log")
@handle_errors
def log_command(
    since: Annotated[
        str | None, typer.Option(help="Only events from this date (YYYY-MM-DD, UK time).")
    ] = None,
    action: Annotated[
        str | None, typer.Option(help="Only actions under this prefix, e.g. rights.request.")
    ] = None,
    subject: Annotated[str | None, typer.Option(help="Only events about this pseudonym.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines.")] = False,
) -> None:
    """List audit events, oldest first."""
    try:
        since_on = date.fromisoformat(since) if since else None
    except ValueError as exc:
        raise UsageError(f"--since {since!r} is not a date", fix="use YYYY-MM-DD") from exc
    where = service.EventFilter(since=since_on, action_prefix=action, subject=subject)
    rt = ready_runtime()
    with rt.transaction() as session:
        for event in service.events(session=session, where=where):
            if as_json:
                sys.stdout.write(json.dumps(_event_json(event), ensure_ascii=False) + "\n")
                continue
            about = f" {event.object_type}:{event.object_id}" if event.object_id else ""
            who = f" subject={event.subject}" if event.subject else ""
            out.print(
                f"{event.sequence:>8} {event.at.isoformat(timespec='seconds')} {event.actor} "
                f"{event.action}{about}{who}",
                markup=False,
            )


@audit_app.command("checkpoint")
@handle_errors
def checkpoint_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Sign the current end of the log now with the signing key."""
    rt = ready_runtime()
    key = load_signing_key(rt.settings.resolved_signing_key_file)
    with rt.transaction() as session:
        made = checkpoints.checkpoint_now(session=session, clock=rt.clock, key=key)
        entry = None if made is None else checkpoints.entry_of(made)
    result = None if entry is None else {"sequence": entry.sequence, "hash": entry.hash}
    if entry is not None:
        witness.publish(rt.settings, [entry])
    if as_json:
        print_json({"checkpoint": result, "key_id": signing_key_id(key)})
    elif result is None:
        out.print("the audit log is empty: nothing to sign", markup=False)
    else:
        out.print(
            f"checkpoint signed at event {result['sequence']} with key {signing_key_id(key)}",
            markup=False,
        )
