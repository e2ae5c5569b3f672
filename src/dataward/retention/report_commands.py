"""`dataward retention forecast | runs | evidence`: what will go, and what went."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dataward.connectors.registry import environ_with
from dataward.core.console import (
    EXIT_FAILED,
    LARGEST_ID,
    err,
    handle_errors,
    out,
    output_file,
    print_json,
    print_table,
    ready_runtime,
)
from dataward.policy.service import load_policy
from dataward.retention import evidence
from dataward.retention.chart import forecast_svg
from dataward.retention.forecast import forecast
from dataward.retention.options import EnvFileOption, JsonOption, PolicyOption


@handle_errors
def forecast_command(
    policy: PolicyOption = Path("dataward.yaml"),
    months: Annotated[int, typer.Option("--months", min=1, max=120, help="Months ahead.")] = 12,
    system: Annotated[str | None, typer.Option("--system", help="Only this system.")] = None,
    svg: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write a bar chart to this SVG file.",
            dir_okay=False,
            callback=output_file,
        ),
    ] = None,
    env_file: EnvFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """How many records each rule will remove, month by month."""
    loaded = load_policy(policy)
    rt = ready_runtime()
    with rt.transaction() as session:
        result = forecast(
            session=session,
            loaded=loaded,
            clock=rt.clock,
            months=months,
            system=system,
            environ=environ_with(env_file),
        )
    if svg is not None:
        svg.write_text(forecast_svg(result), encoding="utf-8")
    if as_json:
        print_json(result.as_dict())
        return
    table = Table("Rule", "Collection", "Action", "Due now", *result.months, "Total")
    for row in result.rows:
        table.add_row(
            row.rule,
            f"{row.system}/{row.collection}" + (" (held)" if row.held else ""),
            row.action,
            str(row.due_now),
            *(str(n) for n in row.by_month),
            str(row.due_now + sum(row.by_month)),
        )
    totals = result.totals()
    table.add_row(
        "all",
        "",
        "",
        str(sum(r.due_now for r in result.rows)),
        *(str(n) for n in totals),
        str(sum(totals) + sum(r.due_now for r in result.rows)),
    )
    print_table(table)
    if svg is not None:
        err.print(f"chart written to {svg}", markup=False)


@handle_errors
def runs_command(
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=LARGEST_ID, help="The most recent N runs.")
    ] = 20,
    as_json: JsonOption = False,
) -> None:
    """Past sweeps: when, by whom, with which policy, and what they did."""
    rt = ready_runtime()
    with rt.transaction() as session:
        rows = [
            {
                "run": r.id,
                "started_at": r.started_at.isoformat(),
                "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                "status": r.status.value,
                "actor": r.actor,
                "system": r.system,
                "collection": r.collection,
                "policy_digest": r.policy_digest,
                "acted": (r.summary or {}).get("acted"),
                "held": (r.summary or {}).get("held"),
                "error": r.error,
            }
            for r in evidence.recent_runs(session=session, limit=limit)
        ]
    if as_json:
        print_json(rows)
        return
    table = Table("Run", "Started", "Status", "By", "Scope", "Gone", "Held")
    for row in rows:
        scope = "/".join(str(p) for p in (row["system"], row["collection"]) if p) or "all"
        table.add_row(
            str(row["run"]),
            str(row["started_at"])[:19],
            str(row["status"]),
            str(row["actor"]),
            scope,
            str(row["acted"] if row["acted"] is not None else ""),
            str(row["held"] if row["held"] is not None else ""),
        )
    print_table(table)


@handle_errors
def evidence_command(
    run: Annotated[
        int | None,
        typer.Argument(help="A sweep run (default: every run).", min=1, max=LARGEST_ID),
    ] = None,
    digests: Annotated[
        bool, typer.Option("--digests", help="List every key digest (JSON always has them).")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """What each sweep batch removed, checked against its entry in the audit chain."""
    rt = ready_runtime()
    with rt.transaction() as session:
        proofs = list(evidence.batch_evidence(session=session, run_id=run))
    failed = [p for p in proofs if p.problem is not None]
    if as_json:
        print_json(
            [
                {
                    "batch": p.batch_id,
                    "run": p.run_id,
                    "number": p.number,
                    "system": p.system,
                    "collection": p.collection,
                    "rule": p.rule,
                    "action": p.action,
                    "cutoff": p.cutoff.isoformat(),
                    "at": p.at.isoformat() if p.at else None,
                    "audit_sequence": p.audit_sequence,
                    "count": p.count,
                    "key_digests": p.key_digests,
                    "refused_key_digests": p.blocked_digests,
                    "verified": p.problem is None,
                    "problem": p.problem,
                }
                for p in proofs
            ]
        )
    else:
        table = Table("Run", "Batch", "Collection", "Rule", "Cutoff", "When", "Records", "Check")
        for p in proofs:
            table.add_row(
                str(p.run_id),
                str(p.number),
                f"{p.system}/{p.collection}",
                p.rule,
                p.cutoff.isoformat(),
                p.at.isoformat(timespec="seconds") if p.at else "",
                str(p.count),
                "ok" if p.problem is None else f"MISMATCH: {p.problem}",
            )
        print_table(table)
        if digests:
            for p in proofs:
                for digest in p.key_digests:
                    out.print(f"{p.run_id}\t{p.number}\t{p.system}/{p.collection}\t{digest}")
        out.print(
            f"{len(proofs)} batches, {sum(p.count for p in proofs)} records; "
            + ("every batch matches the audit chain" if not failed else f"{len(failed)} MISMATCH")
        )
    if failed:
        raise typer.Exit(EXIT_FAILED)
