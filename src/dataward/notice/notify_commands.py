"""`dataward notice gate | notify`: no new purpose before the people affected are told."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from dataward.connectors.registry import environ_for_jobs
from dataward.connectors.service import open_connectors
from dataward.core.clock import today
from dataward.core.console import (
    EXIT_FAILED,
    cli_actor,
    handle_errors,
    input_file,
    note_text,
    out,
    plausible_day,
    print_json,
    ready_runtime,
)
from dataward.core.crypto import Keyring
from dataward.core.mail import send_mail
from dataward.notice import gate, notify
from dataward.notice import service as versions
from dataward.notice.commands import JsonOption, notice_app
from dataward.policy.service import load_policy

PolicyOption = Annotated[
    Path,
    typer.Option(
        "--policy", "-p", help="The policy file (default ./dataward.yaml).", callback=input_file
    ),
]


def register(app: typer.Typer) -> None:
    # The `notice` group is commands.py's (registered before this module); these join it.
    notice_app.command("gate")(gate_command)
    notice_app.command("notify")(notify_command)


@handle_errors
def gate_command(
    activity: Annotated[
        str | None, typer.Argument(help="Check one activity (exit 1 when it is blocked).")
    ] = None,
    purpose: Annotated[
        str | None,
        typer.Option("--purpose", help="Check every activity for this data use key instead."),
    ] = None,
    policy: PolicyOption = Path("dataward.yaml"),
    on: Annotated[
        datetime | None,
        typer.Option(
            "--on", formats=["%Y-%m-%d"], callback=plausible_day, help="The day (default today)."
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Which activities may not start yet because people have not been told about them."""
    loaded = load_policy(policy)
    rt = ready_runtime()
    day = on.date() if on else today(rt.clock)
    with rt.transaction() as session:
        blocked = gate.blocked_activities(session=session, policy=loaded.policy, on=day)
        if activity is not None or purpose is not None:
            # Checked first, so a typo is an error rather than a silent "allowed".
            names = gate.checked_names(loaded.policy, activity=activity, purpose=purpose)
            blocked = [b for b in blocked if b.activity in names]
    rows = [
        {"activity": b.activity, "reason": b.reason, "fix": b.fix, "version": b.version}
        for b in blocked
    ]
    if as_json:
        print_json({"on": day.isoformat(), "blocked": rows})
    elif not rows:
        out.print(f"nothing is blocked on {day.isoformat()}", markup=False)
    else:
        for row in rows:
            out.print(f"blocked: {row['activity']}: {row['reason']}", markup=False)
            out.print(f"  next: {row['fix']}", markup=False)
    if rows and (activity is not None or purpose is not None):
        raise typer.Exit(EXIT_FAILED)


@handle_errors
def notify_command(
    version: Annotated[int, typer.Argument(min=1, help="The notice version to tell people of.")],
    policy: PolicyOption = Path("dataward.yaml"),
    env_file: Annotated[
        Path | None,
        typer.Option(
            "--env-file",
            callback=input_file,
            help="KEY=VALUE lines adding to the environment (the systems' URLs).",
        ),
    ] = None,
    told_by_hand: Annotated[
        list[str] | None,
        typer.Option(
            "--told-by-hand",
            help="A system whose people were told another way (repeatable; needs --evidence).",
        ),
    ] = None,
    evidence: Annotated[
        str | None,
        typer.Option(
            "--evidence", help="How the people of those systems were told.", callback=note_text
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be sent and to whom; send nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Email the people a version's changes affect; its new purposes start once all are told."""
    loaded = load_policy(policy)
    rt = ready_runtime()
    with rt.transaction() as session:
        found = versions.get_version(session=session, number=version)
        changes = notify.changes_to_tell(session=session, version=found)
    plan = notify.sources(loaded.policy, {c.subject for c in changes})
    if dry_run:
        _print_plan(version, [c.text for c in changes], plan, as_json)
        return
    keyring = Keyring.from_settings(rt.settings)
    connectors = open_connectors(
        loaded,
        environ=environ_for_jobs(rt.settings.systems_env_file, env_file),
        systems=sorted({s.system for s in plan} - set(told_by_hand or ())),
    )
    try:
        with rt.transaction() as session:
            result = notify.notify(
                session=session,
                settings=rt.settings,
                keyring=keyring,
                clock=rt.clock,
                policy=loaded.policy,
                version_number=version,
                actor=cli_actor(),
                connectors=connectors,
                send=lambda message: send_mail(rt.settings, message),
                # The command is the boundary: each page of addresses told is kept at once.
                checkpoint=session.commit,
                told_by_hand=told_by_hand or (),
                evidence=evidence,
            )
    finally:
        for connector in connectors.values():
            connector.close()
    summary: dict[str, Any] = {
        "version": version,
        "sent": result.sent,
        "already_told": result.already_told,
        "unreadable": result.unreadable,
        "told_by_hand": result.told_by_hand,
        "finished": result.finished,
    }
    if as_json:
        print_json(summary)
    else:
        out.print(
            f"version {version}: told {result.sent} people now"
            f" ({result.already_told} already told earlier)",
            markup=False,
        )
        for system, why in result.unreadable.items():
            out.print(f"not read: {system}: {why}", markup=False)
        if result.finished:
            out.print(
                "every affected person has been told: the new purposes may start", markup=False
            )
        else:
            out.print(
                "not finished: fix the systems above and run this again, or give "
                "--told-by-hand SYSTEM --evidence TEXT for those told another way",
                markup=False,
            )
    if not result.finished:
        raise typer.Exit(EXIT_FAILED)


def _print_plan(version: int, changes: list[str], plan: list[notify.Source], as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "version": version,
                "changes": changes,
                "read": [
                    {"system": s.system, "collection": s.collection, "email_field": s.email_field}
                    for s in plan
                ],
            }
        )
        return
    if not changes:
        out.print(f"version {version} changed nothing people must be told first", markup=False)
        return
    out.print(f"version {version} would tell people:", markup=False)
    for text in changes:
        out.print(f"  - {text}", markup=False)
    out.print("to the email addresses held in:", markup=False)
    for source in plan:
        out.print(f"  {source.system}.{source.collection}.{source.email_field}", markup=False)
