"""`dataward breaches people | notify`: find the people a breach affects, and tell them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dataward.breaches import affected
from dataward.breaches.commands import IdArgument, JsonOption, PolicyOption, app
from dataward.connectors import service as connectors
from dataward.connectors.registry import environ_with
from dataward.core.console import (
    cli_actor,
    handle_errors,
    input_file,
    out,
    print_json,
    ready_runtime,
)
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.core.files import read_regular_file
from dataward.policy.service import load_policy

NOTICE_LIMIT = 20_000


def register(root: typer.Typer) -> None:
    app.command("people")(people_command)
    app.command("notify")(notify_command)


@handle_errors
def people_command(
    breach_id: IdArgument,
    policy: PolicyOption,
    email: Annotated[
        list[str] | None, typer.Option("--email", help="A person to look for; repeatable.")
    ] = None,
    phone: Annotated[
        list[str] | None, typer.Option("--phone", help="A person to look for; repeatable.")
    ] = None,
    env_file: Annotated[
        Path | None,
        typer.Option("--env-file", help="KEY=VALUE lines with the systems' connection variables."),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Search the systems for people the breach affects (as an access request does); count them."""
    loaded = load_policy(policy)
    environ = environ_with(input_file(env_file))
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    opened = connectors.open_connectors(loaded, environ=environ)
    try:
        with rt.transaction() as session:
            counted = affected.find_affected(
                session=session,
                keyring=keyring,
                clock=rt.clock,
                loaded=loaded,
                opened=opened,
                actor=cli_actor(),
                breach_id=breach_id,
                emails=email or [],
                phones=phone or [],
            )
    finally:
        for connector in opened.values():
            connector.close()
    if json_out:
        print_json(
            {"searched": counted.searched, "people": counted.people, "records": counted.records}
        )
    else:
        out.print(
            f"{counted.people} of {counted.searched} people found, with {counted.records} records.",
            markup=False,
        )


@handle_errors
def notify_command(
    breach_id: IdArgument,
    policy: PolicyOption,
    notice: Annotated[
        Path,
        typer.Option("--notice", help="A text file: the notice to send to each person."),
    ],
    json_out: JsonOption = False,
) -> None:
    """Email the notice to each affected person not yet told (after a decision to tell them)."""
    checked = input_file(notice)
    assert checked is not None
    try:
        text = read_regular_file(checked, limit=NOTICE_LIMIT).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError("the notice is not UTF-8 text", fix="save it as plain text") from exc
    except OSError as exc:
        raise UsageError(
            f"cannot read the notice {str(checked)!r}: {exc.strerror or exc}",
            fix="give a plain text file of at most 20 kB",
        ) from exc
    loaded = load_policy(policy)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        sent = affected.notify_people(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            settings=rt.settings,
            loaded=loaded,
            actor=cli_actor(),
            breach_id=breach_id,
            text=text,
        )
    if json_out:
        print_json({"breach": breach_id, "sent": sent})
    else:
        out.print(f"Notice sent to {sent} people.", markup=False)
