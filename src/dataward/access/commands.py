"""`dataward access import | poll | report | findings | close | check`."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dataward.access import imports, polling, report, service
from dataward.connectors.registry import environ_with
from dataward.core.console import (
    LARGEST_ID,
    cli_actor,
    handle_errors,
    input_file,
    note_text,
    out,
    output_file,
    plausible_day,
    print_json,
    print_table,
    ready_runtime,
)
from dataward.core.crypto import Keyring
from dataward.policy.service import load_policy

access_app = typer.Typer(
    help="Privileged access: remote sessions, backup reads, listens, CCTV views.",
    no_args_is_help=True,
)

DATE_FORMATS = ["%Y-%m-%d"]
PolicyOption = Annotated[
    Path, typer.Option("--policy", "-p", help="The policy file (default ./dataward.yaml).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def register(app: typer.Typer) -> None:
    app.add_typer(access_app, name="access")


@access_app.command("import")
@handle_errors
def import_command(
    file: Annotated[
        Path, typer.Argument(help="The tool's session log: .csv, or .jsonl", callback=input_file)
    ],
    source: Annotated[str, typer.Option("--source", help="The source's name in the policy.")],
    policy: PolicyOption = Path("dataward.yaml"),
    as_json: JsonOption = False,
) -> None:
    """Record the sessions in an exported log; running it again records nothing twice."""
    loaded = load_policy(policy)
    declared = imports.declared_source(loaded.policy, source)
    rt = ready_runtime()
    done = imports.import_log(
        runtime=rt, policy=loaded.policy, path=file, source=declared, actor=cli_actor()
    )
    if as_json:
        print_json(done.as_json())
    else:
        out.print(
            f"{done.new} events recorded, {done.repeated} already in the register, "
            f"{done.findings} findings raised, {len(done.rejected)} lines not readable",
            markup=False,
        )
        for line in done.rejected[:20]:
            out.print(f"  {line}", markup=False)
    if done.rejected:
        raise typer.Exit(1)


@access_app.command("poll")
@handle_errors
def poll_command(
    policy: PolicyOption = Path("dataward.yaml"),
    env_file: Annotated[
        Path | None, typer.Option("--env-file", help="KEY=VALUE lines adding to the environment.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Only this source (default: every polled one).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Read new events from the tables the policy's access sources name."""
    loaded = load_policy(policy)
    chosen = (
        [imports.declared_source(loaded.policy, source)]
        if source
        else polling.polled_sources(loaded)
    )
    rt = ready_runtime()
    environ = environ_with(env_file)
    reports = [
        polling.poll_source(runtime=rt, loaded=loaded, source=s, environ=environ, actor=cli_actor())
        for s in chosen
    ]
    if as_json:
        print_json({"sources": [r.as_json() for r in reports]})
        return
    if not reports:
        out.print("no access source is polled (give one `system:` and `cursor:`)", markup=False)
    for r in reports:
        out.print(
            f"{r.source}: {r.new} events recorded, {r.repeated} already in the register, "
            f"{r.findings} findings raised",
            markup=False,
        )


@access_app.command("report")
@handle_errors
def report_command(
    start: Annotated[
        datetime,
        typer.Option("--from", formats=DATE_FORMATS, callback=plausible_day, help="First day."),
    ],
    end: Annotated[
        datetime,
        typer.Option("--to", formats=DATE_FORMATS, callback=plausible_day, help="Last day."),
    ],
    client: Annotated[str | None, typer.Option("--client", help="The client company.")] = None,
    device: Annotated[str | None, typer.Option("--device", help="One device.")] = None,
    out_path: Annotated[
        Path | None,
        typer.Option("--out", help="Write report.csv or report.pdf.", callback=output_file),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Who connected to which device and when, with the findings, for a client or a device."""
    period = report.Period(start.date(), end.date())
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    whose = " ".join(p for p in (client, device) if p)
    title = f"Privileged access to {whose}, {period.start_on} to {period.end_on}"
    with rt.transaction() as session:
        rows = report.report_rows(
            session=session, keyring=keyring, period=period, client=client, device=device
        )
        if out_path is not None:
            count = report.write_report(rows, out_path, title=title)
            if as_json:
                print_json({"events": count, "out": str(out_path)})
            else:
                out.print(f"{count} events written to {out_path}", markup=False)
            return
        if as_json:
            print_json({"events": list(rows)})
            return
        table = Table(title=title)
        for column in ("started", "device", "kind", "engineer", "attended", "findings"):
            table.add_column(column)
        for row in rows:
            table.add_row(
                report.cell_text(row["started_at"]),
                row["device"] or "",
                row["kind"],
                row["engineer"] or "",
                report.cell_text(row["attended"]),
                "; ".join(row["findings"]),
            )
        print_table(table)


@access_app.command("findings")
@handle_errors
def findings_command(as_json: JsonOption = False) -> None:
    """The open findings: accesses that broke a rule of the policy."""
    rt = ready_runtime()
    with rt.transaction() as session:
        found = service.open_findings(session=session)
        listed = [
            {
                "id": f.id,
                "rule": f.rule,
                "message": f.message,
                "raised_at": f.raised_at,
                "source": e.source,
                "event_id": e.source_event_id,
                "client": e.client,
                "device": e.device,
                "started_at": e.started_at,
            }
            for f, e in found
        ]
    if as_json:
        print_json({"findings": listed})
        return
    if not listed:
        out.print("no open findings", markup=False)
        return
    table = Table(title="Open findings")
    for column in ("id", "started", "client", "device", "finding"):
        table.add_column(column)
    for item in listed:
        table.add_row(
            str(item["id"]),
            report.cell_text(item["started_at"]),
            report.cell_text(item["client"]),
            report.cell_text(item["device"]),
            report.cell_text(item["message"]),
        )
    print_table(table)


@access_app.command("close")
@handle_errors
def close_command(
    finding: Annotated[int, typer.Argument(help="The finding's id.", min=1, max=LARGEST_ID)],
    note: Annotated[
        str, typer.Option("--note", help="What was found and done (sealed).", callback=note_text)
    ],
    as_json: JsonOption = False,
) -> None:
    """Close a finding with what was found and done."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        closed = service.close_finding(
            session=session,
            clock=rt.clock,
            keyring=keyring,
            finding_id=finding,
            note=note,
            actor=cli_actor(),
        )
        result = {"id": closed.id, "closed_at": closed.closed_at}
    if as_json:
        print_json(result)
    else:
        out.print(f"finding {finding} closed", markup=False)


@access_app.command("check")
@handle_errors
def check_command(
    policy: PolicyOption = Path("dataward.yaml"),
    days: Annotated[
        int, typer.Option("--days", min=1, max=3660, help="Check events of this many days.")
    ] = 31,
    as_json: JsonOption = False,
) -> None:
    """Check recent events against the policy's rules again (the daily job does this)."""
    loaded = load_policy(policy)
    rt = ready_runtime()
    with rt.transaction() as session:
        raised = service.recheck(
            session=session,
            clock=rt.clock,
            policy=loaded.policy,
            since=rt.clock.now() - timedelta(days=days),
            actor=cli_actor(),
        )
    if as_json:
        print_json({"new_findings": raised})
    else:
        out.print(f"{raised} new findings", markup=False)
