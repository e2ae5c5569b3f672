"""`dataward rights approve | refuse | withdraw | extend | pause | resume`: staff decisions on
a request and on its clock. They join the `rights` group that commands.py owns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer

from dataward.core.clock import today
from dataward.core.console import (
    cli_actor,
    handle_errors,
    out,
    plausible_day,
    print_json,
    ready_runtime,
)
from dataward.core.crypto import Keyring
from dataward.rights import service
from dataward.rights.commands import (
    DATE_FORMATS,
    JsonOption,
    ReferenceArgument,
    rights_app,
)
from dataward.rights.models import RightsRequest


def register(app: typer.Typer) -> None:
    rights_app.command("approve")(approve)
    rights_app.command("refuse")(refuse)
    rights_app.command("withdraw")(withdraw)
    rights_app.command("extend")(extend)
    rights_app.command("pause")(pause)
    rights_app.command("resume")(resume)


# Steps whose free text is sealed: they take the keyring.
def _close(
    reference: str, action: str, *, as_json: bool = False, sealing: bool = False, **options: Any
) -> tuple[RightsRequest, Keyring]:
    """Run one decision in one transaction. `sealing`: the step stores staff's free text, so
    it takes the keyring, which comes back read for whatever the command shows next."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        step = getattr(service, action)
        if sealing:
            options["keyring"] = keyring
        step(session=session, clock=rt.clock, request=request, actor=cli_actor(), **options)
        if as_json:
            keyring.attach(session)
            detail = service.describe(request, keyring=keyring, today_on=today(rt.clock))
            print_json(detail.model_dump(mode="json"))
    return request, keyring


@handle_errors
def approve(reference: ReferenceArgument, as_json: JsonOption = False) -> None:
    """Complete a request once the work on every system has been reviewed."""
    request, _ = _close(reference, "approve", as_json=as_json)
    if not as_json:
        out.print(f"{request.reference} completed", markup=False)


@handle_errors
def refuse(
    reference: ReferenceArgument,
    reason: Annotated[
        str, typer.Option("--reason", help="Why it is manifestly unfounded or excessive.")
    ],
    as_json: JsonOption = False,
) -> None:
    """Refuse a request, and print what the person must be told (reasons, right to complain)."""
    request, keyring = _close(reference, "refuse", reason=reason, as_json=as_json, sealing=True)
    if not as_json:
        out.print(f"{request.reference} refused; tell the person:\n", markup=False)
        out.print(service.refusal_notice(request, keyring=keyring), markup=False)


@handle_errors
def withdraw(
    reference: ReferenceArgument,
    reason: Annotated[
        str | None, typer.Option("--reason", help="How the withdrawal was given, e.g. 'by email'.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Close a request the person no longer wants answered."""
    request, _ = _close(reference, "withdraw", reason=reason, as_json=as_json)
    if not as_json:
        out.print(f"{request.reference} withdrawn", markup=False)


@handle_errors
def extend(
    reference: ReferenceArgument,
    reason: Annotated[str, typer.Option("--reason", help="Why: complexity or several requests.")],
    told_on: Annotated[
        datetime,
        typer.Option(
            "--told-on",
            formats=DATE_FORMATS,
            callback=plausible_day,
            help="Day the person was told, with why.",
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Extend by two months; only if the person was told within the first month."""
    request, _ = _close(
        reference, "extend", reason=reason, told_on=told_on.date(), as_json=as_json, sealing=True
    )
    if not as_json:
        out.print(f"{request.reference} extended: due {request.extended_due_on}", markup=False)


@handle_errors
def pause(
    reference: ReferenceArgument,
    asked_on: Annotated[
        datetime,
        typer.Option(
            "--asked-on",
            formats=DATE_FORMATS,
            callback=plausible_day,
            help="Day the clarification was asked.",
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Stop the clock while the person clarifies what the request covers (Art 12A)."""
    request, _ = _close(reference, "pause", asked_on=asked_on.date(), as_json=as_json)
    if not as_json:
        out.print(
            f"{request.reference} paused from {asked_on.date()}: the clock stops", markup=False
        )


@handle_errors
def resume(
    reference: ReferenceArgument,
    answered_on: Annotated[
        datetime,
        typer.Option(
            "--answered-on",
            formats=DATE_FORMATS,
            callback=plausible_day,
            help="Day the answer arrived.",
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Restart the clock from the answer; the days in between move the due date."""
    request, _ = _close(reference, "resume", answered_on=answered_on.date(), as_json=as_json)
    if not as_json:
        days = request.paused_days
        out.print(
            f"{request.reference} resumed ({request.state.value}): {days}"
            f" day{'s' if days != 1 else ''} paused, due {request.effective_due_on}",
            markup=False,
        )
