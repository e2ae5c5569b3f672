"""`dataward ropa export`, `dataward recipients list`, `dataward transfers list`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dataward.breaches import ropa_lines
from dataward.core.clock import clock_from_env, today
from dataward.core.console import handle_errors, out, output_file, print_json, runtime
from dataward.core.errors import ConfigurationError
from dataward.policy.service import LoadedPolicy, load_policy
from dataward.ropa.files import write_ropa
from dataward.ropa.recipients import list_recipients, list_transfers
from dataward.ropa.service import build_ropa

ropa_app = typer.Typer(help="The record of processing activities (Art 30).", no_args_is_help=True)
recipients_app = typer.Typer(help="Processors and other recipients.", no_args_is_help=True)
transfers_app = typer.Typer(help="Personal data sent outside the UK.", no_args_is_help=True)

PolicyArgument = Annotated[
    Path, typer.Argument(help="The policy file (dataward.yaml).", exists=True, dir_okay=False)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def register(app: typer.Typer) -> None:
    app.add_typer(ropa_app, name="ropa")
    app.add_typer(recipients_app, name="recipients")
    app.add_typer(transfers_app, name="transfers")


def _breach_register(loaded: LoadedPolicy) -> dict[str, list[str]] | None:
    """The breach register's lines per activity; None when there is no database to read."""
    rt = runtime()
    try:
        rt.require_schema()
    except ConfigurationError:
        return None
    with rt.transaction() as session:
        return ropa_lines.register_for_ropa(session=session, policy=loaded.policy)


@ropa_app.command("export")
@handle_errors
def export(
    policy: PolicyArgument,
    out_file: Annotated[
        Path,
        typer.Option(
            "--out",
            "-o",
            help="ropa.xlsx (ICO template layout) or ropa.csv.",
            callback=output_file,
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Write the record of processing, one row per activity, in the ICO template's columns."""
    loaded = load_policy(policy)
    ropa = build_ropa(loaded, on=today(clock_from_env()), breaches=_breach_register(loaded))
    write_ropa(ropa, out_file, organisation=loaded.policy.organisation.name)
    if as_json:
        print_json({"written": str(out_file), "activities": len(ropa.rows)})
        return
    out.print(f"wrote {out_file}: {len(ropa.rows)} processing activities", markup=False)


@recipients_app.command("list")
@handle_errors
def recipients(policy: PolicyArgument, as_json: JsonOption = False) -> None:
    """Processors and other recipients: service, country, contract, safeguard, vetting."""
    entries = list_recipients(load_policy(policy).policy, on=today(clock_from_env()))
    if as_json:
        print_json([e.model_dump(mode="json") for e in entries])
        return
    if not entries:
        out.print("no recipients in the data map", markup=False)
    for e in entries:
        contract = (
            f"contract signed {e.contract_signed_on}" if e.contract_signed_on else "no contract"
        )
        result = (e.vetting_result or "result not recorded").replace("_", " ")
        vetted = f"vetted {e.vetted_on} ({result})" if e.vetted_on else "not vetted"
        safeguard = f", safeguard {e.transfer_safeguard}" if e.transfer_safeguard else ""
        out.print(
            f"{e.name}: {e.service} ({e.role}), {e.country_name}; {contract}; {vetted}{safeguard}",
            markup=False,
        )
        for note in e.attention:
            out.print(f"  ! {note}", markup=False)


@transfers_app.command("list")
@handle_errors
def transfers(
    policy: PolicyArgument,
    include_eea: Annotated[
        bool, typer.Option("--all", help="Also list transfers to the EEA (covered by adequacy).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Recipients and systems outside the UK and the EEA, with their safeguard."""
    entries = list_transfers(load_policy(policy).policy, include_eea=include_eea)
    if as_json:
        print_json([e.model_dump(mode="json") for e in entries])
        return
    if not entries:
        scope = "the UK" if include_eea else "the UK and the EEA"
        out.print(f"no personal data is sent outside {scope}", markup=False)
    for e in entries:
        who = e.recipient or f"system {e.system}"
        out.print(
            f"{who}: {e.country_name}, safeguard: {e.safeguard_text or 'NONE RECORDED'}",
            markup=False,
        )
        if e.problem:
            out.print(f"  ! {e.problem}", markup=False)
