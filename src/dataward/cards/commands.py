"""`dataward scan cards`: find (and remove) card numbers and bank details in free text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dataward.cards import service
from dataward.connectors.commands import chosen_systems
from dataward.connectors.registry import KINDS, environ_with
from dataward.core.console import (
    EXIT_FAILED,
    cli_actor,
    handle_errors,
    out,
    print_json,
    print_table,
    ready_runtime,
)
from dataward.policy.service import LoadedPolicy, load_policy

scan_app = typer.Typer(
    help="Scan the systems' free text for card numbers and bank details.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(scan_app, name="scan")


@scan_app.command("cards")
@handle_errors
def cards_command(
    policy: Annotated[
        Path, typer.Option("--policy", "-p", help="The policy file (default ./dataward.yaml).")
    ] = Path("dataward.yaml"),
    env_file: Annotated[
        Path | None, typer.Option("--env-file", help="KEY=VALUE lines adding to the environment.")
    ] = None,
    system: Annotated[
        list[str] | None, typer.Option("--system", "-s", help="Only this system (repeatable).")
    ] = None,
    redact: Annotated[
        bool, typer.Option("--redact", help="Replace each one found in the system itself.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Report card numbers and bank details by record key (never the number); exit 1 while
    any is left in place."""
    loaded = load_policy(policy)
    names = chosen_systems(loaded, system)
    rt = ready_runtime()
    found = service.scan(
        runtime=rt,
        loaded=loaded,
        systems=[n for n in names if _scannable(loaded, n)],
        environ=environ_with(env_file),
        redact=redact,
        actor=cli_actor(),
    )
    if as_json:
        print_json(found.as_json())
    else:
        rows = sum(found.scanned.values())
        out.print(
            f"{rows} records scanned, {len(found.findings)} with a card number or bank details"
            + (f", {len(found.findings) - found.unredacted} redacted" if redact else ""),
            markup=False,
        )
        if found.findings:
            table = Table()
            for column in ("system", "collection", "key", "field", "found", "redacted"):
                table.add_column(column)
            for f in found.findings:
                table.add_row(
                    f.system,
                    f.collection,
                    f.key,
                    f.field,
                    ", ".join(f.kinds),
                    "yes" if f.redacted else "no",
                )
            print_table(table)
        for where, why in found.skipped.items():
            out.print(f"skipped {where}: {why}", markup=False)
    if found.unredacted:
        raise typer.Exit(EXIT_FAILED)


def _scannable(loaded: LoadedPolicy, name: str) -> bool:
    declared = loaded.policy.system(name)
    return declared is not None and declared.dataset is not None and declared.connector in KINDS
