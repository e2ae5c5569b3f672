"""`dataward breaches open | decide | list | show | report | close | alerts`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dataward.breaches import alerts, service
from dataward.breaches import clock as breach_clock
from dataward.breaches.report import draft
from dataward.core.console import (
    LARGEST_ID,
    cli_actor,
    handle_errors,
    note_text,
    out,
    output_file,
    print_json,
    print_table,
    ready_runtime,
)
from dataward.core.crypto import Keyring
from dataward.core.files import write_private
from dataward.policy.service import load_policy

app = typer.Typer(
    help="The breach register: facts, the 72-hour clock, decisions and the ICO report.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
IdArgument = Annotated[int, typer.Argument(help="The breach's number.", min=1, max=LARGEST_ID)]
PolicyOption = Annotated[
    Path,
    typer.Option(
        "--policy", "-p", help="The policy file (dataward.yaml).", exists=True, dir_okay=False
    ),
]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="breaches")


def as_json(found: service.BreachView, now: Any) -> dict[str, Any]:
    b = found.breach
    return {
        "id": b.id,
        "status": b.status,
        "regime": b.regime,
        "form": breach_clock.REGIMES[b.regime],
        "aware_at": breach_clock.local(b.aware_at, b.aware_zone).isoformat(),
        "deadline": breach_clock.local(found.deadline, b.aware_zone).isoformat(),
        "hours_left": round(breach_clock.hours_left(b.aware_at, now), 1),
        "reporting_decided": found.reporting_decided,
        **found.texts,
        "categories": b.categories,
        "people_count": b.people_count,
        "records_count": b.records_count,
        "systems": b.systems,
        "activities": b.activities,
        "opened_by": b.opened_by,
        "decisions": [
            {
                "id": d.decision.id,
                "kind": d.decision.kind,
                "ground": d.decision.ground,
                "reasons": d.reasons,
                "reported_at": d.decision.reported_at.isoformat()
                if d.decision.reported_at
                else None,
                "late_reasons": d.late_reasons,
                "decided_at": d.decision.decided_at.isoformat(),
                "decided_by": d.decision.decided_by,
                "altered": d.altered,
            }
            for d in found.decisions
        ],
    }


def _print(found: service.BreachView, now: Any, json_out: bool) -> None:
    if json_out:
        print_json(as_json(found, now))
        return
    b = found.breach
    left = breach_clock.hours_left(b.aware_at, now)
    due = breach_clock.local(found.deadline, b.aware_zone)
    out.print(f"Breach {b.id}: {b.status}; {found.texts['summary']}", markup=False)
    out.print(f"  report under {breach_clock.REGIMES[b.regime]}", markup=False)
    clock_text = "decided" if found.reporting_decided else f"{left:.1f} hours left"
    out.print(f"  due {due:%Y-%m-%d %H:%M %Z} ({clock_text})", markup=False)
    for d in found.decisions:
        flag = "  ALTERED: does not match its audit event" if d.altered else ""
        out.print(
            f"  decision {d.decision.kind} ({d.decision.ground}): {d.reasons}{flag}", markup=False
        )


@app.command("open")
@handle_errors
def open_command(
    policy: PolicyOption,
    aware: Annotated[
        str,
        typer.Option("--aware", help="When the business became aware: YYYY-MM-DDTHH:MM[+HH:MM]."),
    ],
    summary: Annotated[
        str, typer.Option("--summary", help="One line: what happened.", callback=note_text)
    ],
    facts: Annotated[
        str, typer.Option("--facts", help="The facts as known now.", callback=note_text)
    ],
    zone: Annotated[
        str | None, typer.Option("--zone", help="Time zone of --aware (default Europe/London).")
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option("--category", help="A category of data; repeatable.")
    ] = None,
    people: Annotated[
        int | None, typer.Option("--people", help="About how many people.", min=0, max=10**9)
    ] = None,
    records: Annotated[
        int | None, typer.Option("--records", help="About how many records.", min=0, max=10**9)
    ] = None,
    consequences: Annotated[
        str | None,
        typer.Option("--consequences", help="Likely consequences.", callback=note_text),
    ] = None,
    measures: Annotated[
        str | None,
        typer.Option("--measures", help="Measures taken or proposed.", callback=note_text),
    ] = None,
    system: Annotated[
        list[str] | None, typer.Option("--system", help="A system involved; repeatable.")
    ] = None,
    activity: Annotated[
        list[str] | None, typer.Option("--activity", help="An activity affected; repeatable.")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Register a breach and start its 72-hour clock."""
    moment, zone_name = breach_clock.parse_moment(aware, zone=zone)
    loaded = load_policy(policy)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        breach = service.open_breach(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            loaded=loaded,
            actor=cli_actor(),
            aware_at=moment,
            aware_zone=zone_name,
            facts=service.BreachFacts(
                summary=summary,
                facts=facts,
                categories=category or [],
                people_count=people,
                records_count=records,
                consequences=consequences,
                measures=measures,
                systems=system or [],
                activities=activity or [],
            ),
        )
        _print(
            service.view(session=session, keyring=keyring, breach=breach), rt.clock.now(), json_out
        )


@app.command("decide")
@handle_errors
def decide_command(
    breach_id: IdArgument,
    kind: Annotated[
        str, typer.Option("--kind", help=f"The decision: {', '.join(service.DECISIONS)}.")
    ],
    reasons: Annotated[
        str, typer.Option("--reasons", help="The reasoning, in words.", callback=note_text)
    ],
    ground: Annotated[
        str | None,
        typer.Option(
            "--ground",
            help="For not_tell: not_high_risk, unintelligible, risk_removed or "
            "disproportionate_effort (then a public notice).",
        ),
    ] = None,
    reported: Annotated[
        str | None,
        typer.Option("--reported", help="When the report was sent (default now)."),
    ] = None,
    late_reasons: Annotated[
        str | None,
        typer.Option("--late-reasons", help="Why a report is late.", callback=note_text),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Record a decision with its reasons: report or not, tell the people or not, a follow-up."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        breach = service.get_breach(session=session, breach_id=breach_id)
        sent_at = (
            breach_clock.parse_moment(reported, zone=breach.aware_zone)[0] if reported else None
        )
        service.decide(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            actor=cli_actor(),
            breach_id=breach_id,
            kind=kind,
            ground=ground,
            reasons=reasons,
            reported_at=sent_at,
            late_reasons=late_reasons,
        )
        _print(
            service.view(session=session, keyring=keyring, breach=breach), rt.clock.now(), json_out
        )


@app.command("list")
@handle_errors
def list_command(
    open_only: Annotated[bool, typer.Option("--open", help="Only open breaches.")] = False,
    json_out: JsonOption = False,
) -> None:
    """List the breach register, with each clock."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    now = rt.clock.now()
    with rt.transaction() as session:
        found = [
            service.view(session=session, keyring=keyring, breach=b)
            for b in service.list_breaches(session=session, open_only=open_only)
        ]
        if json_out:
            print_json([as_json(v, now) for v in found])
            return
        table = Table("No.", "Status", "Aware", "Due", "Clock", "Form")
        for v in found:
            b = v.breach
            left = breach_clock.hours_left(b.aware_at, now)
            table.add_row(
                str(b.id),
                b.status,
                f"{breach_clock.local(b.aware_at, b.aware_zone):%Y-%m-%d %H:%M %Z}",
                f"{breach_clock.local(v.deadline, b.aware_zone):%Y-%m-%d %H:%M %Z}",
                "decided" if v.reporting_decided else f"{left:.1f} h left",
                b.regime,
            )
        print_table(table)


@app.command("show")
@handle_errors
def show_command(breach_id: IdArgument, json_out: JsonOption = False) -> None:
    """Show one breach: facts, clock and decisions."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        breach = service.get_breach(session=session, breach_id=breach_id)
        _print(
            service.view(session=session, keyring=keyring, breach=breach), rt.clock.now(), json_out
        )


@app.command("report")
@handle_errors
def report_command(
    breach_id: IdArgument,
    policy: PolicyOption,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write the draft to this file.", callback=output_file),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Draft the regulator's report, in the order of the ICO's form."""
    loaded = load_policy(policy)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        breach = service.get_breach(session=session, breach_id=breach_id)
        found = service.view(session=session, keyring=keyring, breach=breach)
        text = draft(found, loaded.policy, now=rt.clock.now())
    if out_file is not None:
        write_private(out_file, text.encode("utf-8"))
    if json_out:
        print_json({"breach": breach_id, "out": str(out_file) if out_file else None, "draft": text})
    elif out_file is not None:
        out.print(f"Draft report for breach {breach_id} written to {out_file}", markup=False)
    else:
        out.print(text, markup=False)


@app.command("close")
@handle_errors
def close_command(breach_id: IdArgument, json_out: JsonOption = False) -> None:
    """Close a breach once its reporting is decided."""
    rt = ready_runtime()
    with rt.transaction() as session:
        breach = service.close_breach(
            session=session, clock=rt.clock, actor=cli_actor(), breach_id=breach_id
        )
    if json_out:
        print_json({"id": breach.id, "status": breach.status})
    else:
        out.print(f"Breach {breach.id} closed.", markup=False)


@app.command("alerts")
@handle_errors
def alerts_command(json_out: JsonOption = False) -> None:
    """Send the DPO any alert due (24, 48, 66 hours) now; the worker does this by itself."""
    rt = ready_runtime()
    with rt.transaction() as session:
        sent = alerts.send_due_alerts(session=session, clock=rt.clock, settings=rt.settings)
    if json_out:
        print_json([{"breach": b, "hours": h} for b, h in sent])
    else:
        out.print(f"{len(sent)} alert(s) sent.", markup=False)
