"""`dataward rights deadline`: the due date of a request, with the working (RULES.md §0-1)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from dataward.core.console import handle_errors, out, plausible_day, print_json
from dataward.policy.schema import Nation
from dataward.rights.deadlines import explain_due_date, extension_deadline, start_date

DATE_FORMATS = ["%Y-%m-%d"]


@handle_errors
def deadline(
    received: Annotated[
        datetime,
        typer.Option(
            "--received", formats=DATE_FORMATS, callback=plausible_day, help="Day of receipt."
        ),
    ],
    nation: Annotated[
        Nation, typer.Option("--nation", help="Whose bank holidays apply.")
    ] = Nation.ENGLAND_AND_WALES,
    paused_days: Annotated[
        int, typer.Option("--paused-days", min=0, help="Days the clock stood still (Art 12A).")
    ] = 0,
    extended: Annotated[
        bool, typer.Option("--extended", help="With the two-month extension.")
    ] = False,
    identity_on: Annotated[
        datetime | None,
        typer.Option(
            "--identity-on",
            formats=DATE_FORMATS,
            callback=plausible_day,
            help="Day identity evidence came.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the working as JSON.")] = False,
) -> None:
    """The due date of a request received that day, counted the ICO's way."""
    start = start_date(received.date(), identity_on=identity_on.date() if identity_on else None)
    working = explain_due_date(start, nation, paused_days, extended)
    if not as_json:
        out.print(working.due_on.isoformat(), markup=False)
        return
    print_json(
        {
            "received_on": received.date().isoformat(),
            "start_on": working.start_on.isoformat(),
            "nation": working.nation.value,
            "one_month_on": working.one_month_on.isoformat(),
            "paused_days": working.paused_days,
            "extended": working.extended,
            "rolled_from": working.rolled_from.isoformat(),
            "skipped": [{"on": s.on.isoformat(), "why": s.why} for s in working.skipped],
            "due_on": working.due_on.isoformat(),
            "extension_tell_by": extension_deadline(start).isoformat(),
        }
    )
