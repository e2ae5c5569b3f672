"""`dataward tps import | status`: the TPS and CTPS files calls are screened against."""

from __future__ import annotations

import enum
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from dataward.consent import tps, tps_loading
from dataward.core.console import (
    cli_actor,
    handle_errors,
    input_file,
    out,
    plausible_day,
    print_json,
    print_table,
    ready_runtime,
)

tps_app = typer.Typer(
    help="TPS and CTPS: the files of numbers not to call for sales, and their age.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


class ListName(enum.StrEnum):
    tps = "tps"
    ctps = "ctps"


def register(app: typer.Typer) -> None:
    app.add_typer(tps_app, name="tps")


@tps_app.command("import")
@handle_errors
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            callback=input_file, help="The file as downloaded: one phone number a line."
        ),
    ],
    list_name: Annotated[
        ListName, typer.Option("--list", help="Which register the file is: tps or ctps.")
    ],
    as_of: Annotated[
        datetime,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            callback=plausible_day,
            help="The file's date, as YYYY-MM-DD: screenings are good for 28 days from it.",
        ),
    ],
    as_json: JsonOption = False,
) -> None:
    """Load a TPS or CTPS file, replacing the list's previous file once the new one is in."""
    rt = ready_runtime()
    show = not as_json and out.is_terminal
    with Progress(
        TextColumn(f"loading {list_name.value}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=out,
        disable=not show,
        transient=True,
    ) as bar:
        # Reading and sorting the file, then loading the numbers: each half the bar.
        task = bar.add_task("load", total=2 * file.stat().st_size)
        report = tps_loading.import_list(
            runtime=rt,
            path=file,
            list_name=list_name.value,
            as_of=as_of.date(),
            actor=cli_actor(),
            progress=lambda size: bar.advance(task, size),
        )
    if as_json:
        print_json(
            {
                "list": report.list_name,
                "as_of": report.as_of.isoformat(),
                "rows": report.row_count,
                "rejected_lines": report.rejected_lines,
                "replaced_rows": report.replaced_rows,
                "file_sha256": report.file_sha256,
            }
        )
        return
    out.print(
        f"{report.list_name}: {report.row_count:,} numbers as of {report.as_of.isoformat()} "
        f"(replacing {report.replaced_rows:,})",
        markup=False,
    )
    if report.rejected_lines:
        out.print(
            f"warning: {report.rejected_lines:,} lines were not phone numbers and were skipped",
            markup=False,
        )


@tps_app.command("status")
@handle_errors
def status_command(as_json: JsonOption = False) -> None:
    """Each list's file date, size and age; stale past 28 days (screenings then refuse)."""
    rt = ready_runtime()
    with rt.transaction() as session:
        statuses = tps.status(session=session, clock=rt.clock)
    if as_json:
        print_json([s.as_json() for s in statuses])
        return
    table = Table("list", "file date", "numbers", "age (days)", "state")
    for s in statuses:
        if s.as_of is None:
            table.add_row(s.list_name, "-", "0", "-", "[red]not imported[/red]")
            continue
        state = "[red]stale: import a newer file[/red]" if s.stale else "current"
        table.add_row(s.list_name, s.as_of.isoformat(), f"{s.row_count:,}", str(s.age_days), state)
    print_table(table)
