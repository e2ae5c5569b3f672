"""`dataward suppression add | import | export | check | filter`: the never-market list."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from dataward.connectors.registry import environ_with
from dataward.consent import list_import, lists, service
from dataward.core.console import (
    EXIT_FAILED,
    cli_actor,
    err,
    handle_errors,
    input_file,
    note_text,
    out,
    output_file,
    print_json,
    ready_runtime,
)
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.files import write_private
from dataward.policy.service import load_policy

suppression_app = typer.Typer(
    help="The suppression list: addresses and numbers never to be marketed to, kept hashed.",
    no_args_is_help=True,
)

EmailOption = Annotated[str | None, typer.Option("--email", help="An email address.")]
PhoneOption = Annotated[str | None, typer.Option("--phone", help="A phone number.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
ReasonOption = Annotated[
    str,
    typer.Option(
        "--reason", callback=note_text, help="Why, e.g. 'asked by phone not to be contacted'."
    ),
]
InputArgument = Annotated[
    Path, typer.Argument(callback=input_file, help="A CSV file with a header row.")
]


def register(app: typer.Typer) -> None:
    app.add_typer(suppression_app, name="suppression")


def _need_identifier(email: str | None, phone: str | None) -> None:
    if email is None and phone is None:
        raise UsageError("give --email or --phone (or both)")


@suppression_app.command("add")
@handle_errors
def add(
    reason: ReasonOption,
    email: EmailOption = None,
    phone: PhoneOption = None,
    as_json: JsonOption = False,
) -> None:
    """Put an address and/or number on the list, for good (already there changes nothing)."""
    _need_identifier(email, phone)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        service.suppress(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            actor=cli_actor(),
            email=email,
            phone=phone,
            reason=reason,
        )
    if as_json:
        print_json({"suppressed": True})
        return
    out.print("suppressed: no marketing will reach it again", markup=False)


@suppression_app.command("check")
@handle_errors
def check(
    email: EmailOption = None, phone: PhoneOption = None, as_json: JsonOption = False
) -> None:
    """Say whether an address or number is on the list (exit 0 either way)."""
    _need_identifier(email, phone)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        suppressed = service.is_suppressed(
            session=session, keyring=keyring, email=email, phone=phone
        )
    if as_json:
        print_json({"suppressed": suppressed})
        return
    out.print("suppressed" if suppressed else "not suppressed", markup=False)


@suppression_app.command("import")
@handle_errors
def import_command(
    file: InputArgument,
    reason: ReasonOption,
    as_json: JsonOption = False,
) -> None:
    """Suppress every address and number of a CSV (columns email, phone), or the hashes of
    another Dataward's export made with the same keys."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        tally = lists.import_file(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            actor=cli_actor(),
            path=file,
            reason=reason,
        )
    result = {"added": tally.added, "already": tally.already, "invalid": tally.invalid}
    if as_json:
        print_json(result)
        return
    out.print(
        f"{tally.added} added, {tally.already} already on the list, "
        f"{tally.invalid} values skipped (not an address or a number)",
        markup=False,
    )


@suppression_app.command("export")
@handle_errors
def export(
    out_file: Annotated[
        Path,
        typer.Option("--out", callback=output_file, help="The CSV to write (hashes only)."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Write the list as keyed hashes (never an address) for another Dataward to import."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        count = lists.export_file(session=session, keyring=keyring, path=out_file)
        by_kind = service.counts(session=session)
    if as_json:
        print_json({"entries": count, "by_kind": by_kind, "file": str(out_file)})
        return
    out.print(f"{count} entries written to {out_file} (keyed hashes only)", markup=False)


@suppression_app.command("filter")
@handle_errors
def filter_command(
    file: InputArgument,
    out_file: Annotated[
        Path,
        typer.Option(
            "--out", callback=output_file, help="Where to write the rows that may be imported."
        ),
    ],
    report_file: Annotated[
        Path | None,
        typer.Option(
            "--report", callback=output_file, help="A JSON report: the line numbers dropped."
        ),
    ] = None,
    into: Annotated[
        str | None,
        typer.Option(
            "--into",
            help="Then import the rows kept into SYSTEM.COLLECTION through its connector.",
        ),
    ] = None,
    policy: Annotated[
        Path | None,
        typer.Option("--policy", "-p", callback=input_file, help="The policy, for --into."),
    ] = None,
    env_file: Annotated[
        Path | None,
        typer.Option("--env-file", callback=input_file, help="The systems' connection variables."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Drop every row of a contact list whose email or phone is suppressed, before the list
    is imported into any system (with --into, import it too), so no import re-subscribes
    anyone."""
    if into is not None and policy is None:
        raise UsageError("--into needs the policy", fix="add -p dataward.yaml")
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    failure: str | None = None
    with rt.transaction() as session:
        if into is None or policy is None:
            report = lists.filter_file(session=session, keyring=keyring, source=file, out=out_file)
        else:
            report, failure = list_import.import_into(
                session=session,
                keyring=keyring,
                clock=rt.clock,
                actor=cli_actor(),
                loaded=load_policy(policy),
                environ=environ_with(env_file),
                target=into,
                source=file,
                out=out_file,
            )
    if report_file is not None:
        write_private(report_file, json.dumps(report.as_json(), indent=2).encode())
    if as_json:
        print_json({**report.as_json(), "error": failure})
    else:
        out.print(
            f"{report.kept} of {report.rows} rows kept in {out_file}; "
            f"{len(report.dropped_lines)} suppressed rows dropped"
            + (f"; {report.imported} imported into {into}" if into else ""),
            markup=False,
        )
    if failure is not None:
        err.print(f"error: {failure}", markup=False)
        raise typer.Exit(EXIT_FAILED)
