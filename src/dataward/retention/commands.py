"""`dataward retention sweep | forecast | reviews | resolve` and `dataward holds ...`."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from dataward.connectors.registry import environ_with
from dataward.core.console import (
    EXIT_FAILED,
    LARGEST_ID,
    cli_actor,
    handle_errors,
    note_text,
    out,
    print_json,
    print_table,
    ready_runtime,
)
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.policy.service import load_policy
from dataward.retention import report_commands, reviews
from dataward.retention.hold_commands import holds_app
from dataward.retention.options import (
    EnvFileOption,
    JsonOption,
    PolicyOption,
)
from dataward.retention.plan import Target
from dataward.retention.sweep import (
    DEFAULT_BATCH,
    CollectionOutcome,
    PauseHook,
    SweepReport,
    dispose_review,
    run_sweep,
)

retention_app = typer.Typer(
    help="Retention: sweeps, forecasts and review tasks.", no_args_is_help=True
)

# `N:stage` (stage pending, acted or done) stops the sweep there until it is killed: the
# crash-recovery tests kill a real sweep at each point of a batch.
PAUSE_VARIABLE = "DATAWARD_SWEEP_PAUSE"


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
    app.add_typer(holds_app, name="holds")


def pause_from_env(value: str | None) -> PauseHook | None:
    if not value:
        return None
    number_text, _, stage = value.partition(":")
    if not number_text.isdigit() or stage not in ("pending", "acted", "done"):
        raise UsageError(f"{PAUSE_VARIABLE}={value!r}: write N:pending, N:acted or N:done")
    wanted = int(number_text)

    def pause(at: str, number: int, target: Target) -> None:
        if at == stage and number == wanted:
            sys.stderr.write(f"sweep paused at {target.label} batch {number} ({at})\n")
            sys.stderr.flush()
            while True:
                time.sleep(3600)

    return pause


def _summary_table(report: SweepReport) -> Table:
    verb = "Would go" if report.dry_run else "Gone"
    table = Table(
        Column("Collection", overflow="fold"),
        Column("Rule", overflow="fold"),
        Column("Cutoff", no_wrap=True),
        Column("Expired", justify="right"),
        Column(verb, justify="right"),
        Column("Held", justify="right"),
        Column("Notes", overflow="fold"),
    )
    for o in report.outcomes:
        notes = [] if o.status == "done" else [o.status]
        if o.action != "delete":
            notes.append(o.action)
        if o.review_task is not None:
            notes.append(f"review task {o.review_task}")
        elif o.to_review:
            notes.append(f"{o.to_review} to review")
        if o.hold_ids:
            notes.append(f"holds {', '.join(map(str, sorted(o.hold_ids)))}")
        if o.exempt:
            notes.append(f"{o.exempt} exempt")
        if o.already_anonymised:
            notes.append(f"{o.already_anonymised} anonymised before")
        if o.blocked:
            notes.append(f"{o.blocked} refused by the system ({o.blocked_reason})")
        if o.resumed_batches:
            notes.append(f"{o.resumed_batches} interrupted batch(es) finished")
        if o.error:
            notes.append(o.error)
        table.add_row(
            f"{o.system}/{o.collection}",
            o.rule,
            o.cutoff.isoformat(),
            str(o.found),
            str(o.acted),
            str(o.held),
            "; ".join(notes),
        )
    return table


@retention_app.command("sweep")
@handle_errors
def sweep_command(
    policy: PolicyOption = Path("dataward.yaml"),
    system: Annotated[str | None, typer.Option("--system", help="Only this system.")] = None,
    collection: Annotated[
        str | None, typer.Option("--collection", help="Only this collection.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Change nothing; say what would go.")
    ] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=50_000, help="Keys per batch.")
    ] = DEFAULT_BATCH,
    env_file: EnvFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply the retention rules: delete or anonymise what has passed its period."""
    pause = pause_from_env(os.environ.get(PAUSE_VARIABLE))
    loaded = load_policy(policy)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    environ = environ_with(env_file)
    show = not as_json and out.is_terminal
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=out,
        disable=not show,
        transient=True,
    ) as bar:
        tasks: dict[tuple[str, str], TaskID] = {}

        def progress(o: CollectionOutcome) -> None:
            key = (o.system, o.collection)
            text = f"{o.system}/{o.collection}: {o.found} expired, {o.acted} gone, {o.held} held"
            if key not in tasks:
                tasks[key] = bar.add_task(text, total=None)
            bar.update(tasks[key], description=text)

        with rt.sessions() as session:
            # The command is the boundary: the sweep commits only through this checkpoint.
            report = run_sweep(
                session=session,
                checkpoint=session.commit,
                clock=rt.clock,
                keyring=keyring,
                loaded=loaded,
                actor=cli_actor(),
                system=system,
                collection=collection,
                dry_run=dry_run,
                batch_size=batch_size,
                environ=environ,
                progress=progress,
                pause=pause,
            )
    if as_json:
        print_json(report.as_dict())
    else:
        print_table(_summary_table(report))
        for problem in report.unresolved_holds:
            out.print(f"warning: {problem}", markup=False)
        for o in report.outcomes:
            if o.undecided:
                # Its own line: these rows wait for someone to fill in the field.
                out.print(f"{o.system}/{o.collection}: {o.undecided_note()}", soft_wrap=True)
        total = sum(o.acted for o in report.outcomes)
        held = sum(o.held for o in report.outcomes)
        if report.dry_run:
            out.print(f"dry run: {total} records would go, {held} held; nothing was changed")
        else:
            out.print(
                f"sweep {report.run_id}: {total} records gone, {held} held; "
                "evidence in the audit log"
            )
    if not report.ok:
        raise typer.Exit(EXIT_FAILED)


@retention_app.command("reviews")
@handle_errors
def reviews_command(
    include_resolved: Annotated[
        bool, typer.Option("--all", help="Include resolved tasks.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Review tasks raised by `review` rules ("kept while relevant")."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        keyring.attach(session)
        rows = [
            {
                "id": t.id,
                "rule": t.rule,
                "system": t.system,
                "collection": t.collection,
                "count": t.count,
                "cutoff": t.cutoff_on.isoformat(),
                "status": t.status.value,
                "raised_at": t.raised_at.isoformat(),
                "last_seen_at": t.last_seen_at.isoformat(),
                "resolved_by": t.resolved_by,
                "resolution": reviews.resolution_text(t, keyring=keyring),
            }
            for t in reviews.list_reviews(session=session, include_resolved=include_resolved)
        ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no review tasks")
        return
    table = Table("ID", "Rule", "Collection", "Records", "Older than", "Raised", "Status")
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["rule"]),
            f"{row['system']}/{row['collection']}",
            str(row["count"]),
            str(row["cutoff"]),
            str(row["raised_at"])[:10],
            str(row["status"]),
        )
    print_table(table)


@retention_app.command("resolve")
@handle_errors
def resolve_command(
    task_id: Annotated[int, typer.Argument(help="The review task's ID.", min=1, max=LARGEST_ID)],
    note: Annotated[
        str, typer.Option("--note", help="What was decided and done.", callback=note_text)
    ],
    dispose: Annotated[
        bool,
        typer.Option(
            "--dispose",
            help="Delete what it lists, in full (every collection of its rule), then close it.",
        ),
    ] = False,
    policy: Annotated[
        Path | None,
        typer.Option(
            "--policy", "-p", help="The policy file (for --dispose).", exists=True, dir_okay=False
        ),
    ] = None,
    env_file: EnvFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Close a review task with what was decided; with --dispose, delete the records first."""
    rt = ready_runtime()
    if not dispose:
        with rt.transaction() as session:
            reviews.resolve_review(
                session=session,
                keyring=Keyring.from_settings(rt.settings),
                clock=rt.clock,
                actor=cli_actor(),
                task_id=task_id,
                resolution=note,
            )
        if as_json:
            print_json({"task": task_id, "resolved": True})
        else:
            out.print(f"review task {task_id} resolved")
        return
    if policy is None:
        raise UsageError("--dispose needs the policy", fix="add --policy dataward.yaml")
    report = dispose_review(
        runtime=rt,
        keyring=Keyring.from_settings(rt.settings),
        loaded=load_policy(policy),
        task_id=task_id,
        actor=cli_actor(),
        note=note,
        environ=environ_with(env_file),
    )
    if as_json:
        print_json({"task": task_id, "resolved": report.ok, "sweep": report.as_dict()})
    else:
        print_table(_summary_table(report))
        gone = sum(o.acted for o in report.outcomes)
        state = "resolved" if report.ok else "left open: the disposal did not finish"
        out.print(f"review task {task_id} {state}; {gone} records disposed of")
    if not report.ok:
        raise typer.Exit(EXIT_FAILED)


retention_app.command("forecast")(report_commands.forecast_command)
retention_app.command("runs")(report_commands.runs_command)
retention_app.command("evidence")(report_commands.evidence_command)
