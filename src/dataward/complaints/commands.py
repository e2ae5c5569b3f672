"""`dataward complaints open | list | show | acknowledge | update | close`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dataward.breaches.clock import parse_moment
from dataward.complaints import letters, service
from dataward.complaints.models import Complaint
from dataward.core.clock import today
from dataward.core.console import (
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
from dataward.policy.schema import Policy
from dataward.policy.service import load_policy

app = typer.Typer(
    help="Complaints to the business about its use of personal data.", no_args_is_help=True
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
IdArgument = Annotated[int, typer.Argument(help="The complaint's number.", min=1, max=LARGEST_ID)]
PolicyOption = Annotated[
    Path,
    typer.Option(
        "--policy", "-p", help="The policy file (dataward.yaml).", exists=True, dir_okay=False
    ),
]
RoleOption = Annotated[
    list[str] | None,
    typer.Option("--role", help="A role you hold (the policy names the readers); repeatable."),
]
NoMailOption = Annotated[
    bool, typer.Option("--no-mail", help="Do not email the letter (sent another way).")
]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="complaints")


def summary(complaint: Complaint, policy: Policy) -> dict[str, Any]:
    """What anyone with the register may see: dates and status, never the contents."""
    counted = service.due(complaint, policy)
    return {
        "id": complaint.id,
        "status": complaint.status,
        "channel": complaint.channel,
        "received_on": complaint.received_on.isoformat(),
        "acknowledge_alert_on": counted.alert_on.isoformat(),
        "acknowledge_due_on": counted.report_on.isoformat(),
        "acknowledged_at": complaint.acknowledged_at.isoformat()
        if complaint.acknowledged_at
        else None,
        "closed_at": complaint.closed_at.isoformat() if complaint.closed_at else None,
    }


def _mailed(sent: bool, no_mail: bool) -> str:
    if no_mail:
        return "not emailed (--no-mail)"
    return "emailed to the complainant" if sent else "not emailed (no email address)"


@app.command("open")
@handle_errors
def open_command(
    policy: PolicyOption,
    text: Annotated[
        str,
        typer.Option("--text", help="The complaint, in the person's words.", callback=note_text),
    ],
    channel: Annotated[
        str, typer.Option("--channel", help="How it came: phone, letter, email, in_person, web.")
    ] = "phone",
    email: Annotated[str | None, typer.Option("--email", help="The complainant's email.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The complainant's phone.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The complainant's name.")] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="Their account or customer number.")
    ] = None,
    received: Annotated[
        str | None,
        typer.Option("--received", help="When it was received, YYYY-MM-DDTHH:MM (default now)."),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Record a complaint made by phone, letter or in person."""
    loaded = load_policy(policy)
    received_at = parse_moment(received)[0] if received else None
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        complaint = service.open_complaint(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            actor=cli_actor(),
            channel=channel,
            text=text,
            email=email,
            phone=phone,
            name=name,
            account=account,
            received_at=received_at,
        )
        shown = summary(complaint, loaded.policy)
    if json_out:
        print_json(shown)
    else:
        out.print(
            f"Complaint {shown['id']} received {shown['received_on']}: acknowledge it by "
            f"{shown['acknowledge_alert_on']} (the law's 30 days; the ICO counts to "
            f"{shown['acknowledge_due_on']}).",
            markup=False,
        )


@app.command("list")
@handle_errors
def list_command(
    policy: PolicyOption,
    status: Annotated[
        str | None, typer.Option("--status", help="Only these: open, acknowledged, closed.")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List complaints: dates and status only (contents need a reader's role: `show`)."""
    loaded = load_policy(policy)
    rt = ready_runtime()
    with rt.transaction() as session:
        rows = [
            summary(c, loaded.policy)
            for c in service.list_complaints(session=session, status=status)
        ]
        on = today(rt.clock)
    if json_out:
        print_json(rows)
        return
    table = Table("No.", "Status", "Channel", "Received", "Acknowledge by", "ICO due")
    for row in rows:
        late = row["acknowledged_at"] is None and row["acknowledge_alert_on"] < on.isoformat()
        table.add_row(
            str(row["id"]),
            row["status"],
            row["channel"],
            row["received_on"],
            row["acknowledge_alert_on"] + (" (passed)" if late else ""),
            row["acknowledge_due_on"],
        )
    print_table(table)


@app.command("show")
@handle_errors
def show_command(
    complaint_id: IdArgument,
    policy: PolicyOption,
    role: RoleOption = None,
    json_out: JsonOption = False,
) -> None:
    """Read a complaint (only for the roles the policy names; the reading is recorded)."""
    loaded = load_policy(policy)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        found = service.read(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            policy=loaded.policy,
            actor=cli_actor(),
            roles=frozenset(role or ()),
            complaint_id=complaint_id,
        )
        shown = {
            **summary(found.complaint, loaded.policy),
            "name": found.name,
            "email": found.email,
            "phone": found.phone,
            "account": found.account,
            "text": found.text,
            "outcome": found.outcome,
            "updates": [
                {"at": u.written_at.isoformat(), "by": u.written_by, "text": text}
                for u, text in found.updates
            ],
        }
    if json_out:
        print_json(shown)
        return
    for key, value in shown.items():
        if value not in (None, []):
            out.print(f"{key}: {value}", markup=False)


def _letter(
    complaint_id: int,
    policy: Path,
    kind: str,
    text: str | None,
    no_mail: bool,
    json_out: bool,
) -> None:
    loaded = load_policy(policy)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    actor = cli_actor()
    with rt.transaction() as session:
        if kind == "acknowledgement":
            complaint = service.acknowledge(
                session=session,
                clock=rt.clock,
                policy=loaded.policy,
                actor=actor,
                complaint_id=complaint_id,
            )
        elif kind == "update":
            assert text is not None
            service.add_update(
                session=session,
                keyring=keyring,
                clock=rt.clock,
                actor=actor,
                complaint_id=complaint_id,
                text=text,
            )
            complaint = service.get_complaint(session=session, complaint_id=complaint_id)
        else:
            assert text is not None
            complaint = service.close(
                session=session,
                keyring=keyring,
                clock=rt.clock,
                actor=actor,
                complaint_id=complaint_id,
                outcome=text,
            )
        sent = not no_mail and letters.send_letter(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            settings=rt.settings,
            policy=loaded.policy,
            complaint=complaint,
            kind=kind,
            text=text,
        )
        shown = summary(complaint, loaded.policy)
    if json_out:
        print_json({**shown, "emailed": sent})
    else:
        out.print(
            f"Complaint {complaint_id}: {kind} recorded, {_mailed(sent, no_mail)}.", markup=False
        )


@app.command("acknowledge")
@handle_errors
def acknowledge_command(
    complaint_id: IdArgument,
    policy: PolicyOption,
    no_mail: NoMailOption = False,
    json_out: JsonOption = False,
) -> None:
    """Acknowledge a complaint and email the acknowledgement letter."""
    _letter(complaint_id, policy, "acknowledgement", None, no_mail, json_out)


@app.command("update")
@handle_errors
def update_command(
    complaint_id: IdArgument,
    policy: PolicyOption,
    text: Annotated[str, typer.Option("--text", help="The update.", callback=note_text)],
    no_mail: NoMailOption = False,
    json_out: JsonOption = False,
) -> None:
    """Tell the complainant how the investigation is going."""
    _letter(complaint_id, policy, "update", text, no_mail, json_out)


@app.command("close")
@handle_errors
def close_command(
    complaint_id: IdArgument,
    policy: PolicyOption,
    outcome: Annotated[
        str, typer.Option("--outcome", help="The outcome, as told to them.", callback=note_text)
    ],
    no_mail: NoMailOption = False,
    json_out: JsonOption = False,
) -> None:
    """Record the outcome and email the outcome letter."""
    _letter(complaint_id, policy, "outcome", outcome, no_mail, json_out)
