"""`dataward disclosures open | approve | refuse | release | list | show`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from dataward.core.console import (
    LARGEST_ID,
    cli_actor,
    handle_errors,
    input_file,
    note_text,
    out,
    print_json,
    print_table,
    ready_runtime,
)
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError
from dataward.disclosures import service
from dataward.disclosures.grounds import GROUNDS, REQUESTER_KINDS
from dataward.disclosures.models import DisclosureStatus
from dataward.policy.service import load_policy

app = typer.Typer(
    help="Disclosures to third parties: open, approve or refuse, release, list.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
IdArgument = Annotated[int, typer.Argument(help="The disclosure's number.", min=1, max=LARGEST_ID)]
PolicyOption = Annotated[
    Path,
    typer.Option(
        "--policy", "-p", help="The policy file (dataward.yaml).", exists=True, dir_okay=False
    ),
]
RoleOption = Annotated[
    list[str] | None,
    typer.Option(
        "--role",
        help="A role you hold (a job role the policy names, or admin or dpo); repeatable.",
    ),
]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="disclosures")


def _staff(roles: list[str] | None) -> service.Staff:
    return service.Staff(actor=cli_actor(), roles=frozenset(r.strip() for r in roles or ()))


def as_json(found: service.DisclosureView) -> dict[str, Any]:
    d = found.disclosure
    return {
        "id": d.id,
        "status": d.status,
        "requester_kind": d.requester_kind,
        "requester": found.requester,
        "ground": d.ground,
        "ground_text": found.ground_text,
        "asked": found.asked,
        "tickets": d.tickets,
        "person": d.person_pseudonym,
        "opened_at": d.opened_at.isoformat(),
        "opened_by": d.opened_by,
        "decided_at": d.decided_at.isoformat() if d.decided_at else None,
        "decided_by": d.decided_by,
        "decided_as": d.decided_as,
        "decision_note": found.decision_note,
        "released_at": d.released_at.isoformat() if d.released_at else None,
        "released_by": d.released_by,
        "released_what": found.released_what,
        "package_name": d.package_name,
        "package_sha256": d.package_sha256,
    }


def _print(found: service.DisclosureView, json_out: bool) -> None:
    if json_out:
        print_json(as_json(found))
        return
    d = found.disclosure
    out.print(f"Disclosure {d.id}: {d.status}", markup=False)
    out.print(f"  requester: {found.requester} ({d.requester_kind})", markup=False)
    out.print(f"  ground: {found.ground_text}", markup=False)
    out.print(f"  asked: {found.asked}", markup=False)
    if d.tickets:
        out.print(f"  tickets: {', '.join(d.tickets)}", markup=False)
    if d.decided_by:
        out.print(f"  decided by {d.decided_by} as {d.decided_as}", markup=False)
    if d.package_sha256:
        out.print(f"  released {d.package_name} (SHA-256 {d.package_sha256})", markup=False)


@app.command("open")
@handle_errors
def open_command(
    requester: Annotated[
        str,
        typer.Option(
            "--requester", help="Who asks, e.g. 'PC 4471, Avon Police'.", callback=note_text
        ),
    ],
    kind: Annotated[
        str, typer.Option("--kind", help=f"The requester's kind: {', '.join(REQUESTER_KINDS)}.")
    ],
    ground: Annotated[
        str, typer.Option("--ground", help=f"The legal ground: {', '.join(GROUNDS)}.")
    ],
    asked: Annotated[
        str, typer.Option("--asked", help="What personal data is asked for.", callback=note_text)
    ],
    ticket: Annotated[
        list[str] | None, typer.Option("--ticket", help="A linked ticket reference; repeatable.")
    ] = None,
    email: Annotated[str | None, typer.Option("--email", help="The person it is about.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The person it is about.")] = None,
    json_out: JsonOption = False,
) -> None:
    """Record a third party's request for personal data."""
    service.check_kind_and_ground(kind, ground)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        made = service.open_disclosure(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            staff=_staff(None),
            requester_kind=kind,
            requester=requester,
            ground=ground,
            asked=asked,
            tickets=ticket or [],
            email=email,
            phone=phone,
        )
        _print(service.view(session=session, keyring=keyring, disclosure=made), json_out)


def _decide(
    disclosure_id: int,
    policy: Path,
    roles: list[str] | None,
    note: str,
    approve: bool,
    json_out: bool,
) -> None:
    loaded = load_policy(policy)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        made = service.decide(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            policy=loaded.policy,
            staff=_staff(roles),
            disclosure_id=disclosure_id,
            approve=approve,
            note=note,
        )
        _print(service.view(session=session, keyring=keyring, disclosure=made), json_out)


@app.command("approve")
@handle_errors
def approve_command(
    disclosure_id: IdArgument,
    policy: PolicyOption,
    note: Annotated[
        str, typer.Option("--note", help="What was checked before approving.", callback=note_text)
    ],
    role: RoleOption = None,
    json_out: JsonOption = False,
) -> None:
    """Approve a disclosure (someone other than who opened it, holding an approver role)."""
    _decide(disclosure_id, policy, role, note, True, json_out)


@app.command("refuse")
@handle_errors
def refuse_command(
    disclosure_id: IdArgument,
    policy: PolicyOption,
    reason: Annotated[str, typer.Option("--reason", help="Why it is refused.", callback=note_text)],
    role: RoleOption = None,
    json_out: JsonOption = False,
) -> None:
    """Refuse a disclosure, with the reason."""
    _decide(disclosure_id, policy, role, reason, False, json_out)


@app.command("release")
@handle_errors
def release_command(
    disclosure_id: IdArgument,
    package: Annotated[
        Path,
        typer.Option("--package", help="The file handed over; its SHA-256 is recorded."),
    ],
    what: Annotated[
        str, typer.Option("--what", help="What was released, in words.", callback=note_text)
    ],
    json_out: JsonOption = False,
) -> None:
    """Record the release of an approved disclosure and the digest of what was sent."""
    checked = input_file(package)
    assert checked is not None
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        made = service.release(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            staff=_staff(None),
            disclosure_id=disclosure_id,
            released_what=what,
            package_name=checked.name,
            package_sha256=service.file_digest(checked),
        )
        _print(service.view(session=session, keyring=keyring, disclosure=made), json_out)


@app.command("list")
@handle_errors
def list_command(
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only these: open, approved, refused or released."),
    ] = None,
    ticket: Annotated[
        str | None, typer.Option("--ticket", help="Only those recorded against this ticket.")
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """List the disclosure register."""
    if status is not None and status not in {s.value for s in DisclosureStatus}:
        raise UsageError(f"{status!r} is not a status", fix="open, approved, refused or released")
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        found = [
            service.view(session=session, keyring=keyring, disclosure=d)
            for d in service.list_disclosures(session=session, status=status, ticket=ticket)
        ]
        if json_out:
            print_json([as_json(v) for v in found])
            return
        table = Table("No.", "Status", "Requester", "Ground", "Opened", "Tickets")
        for v in found:
            d = v.disclosure
            table.add_row(
                str(d.id),
                d.status,
                d.requester_kind,
                d.ground,
                d.opened_at.date().isoformat(),
                escape(", ".join(d.tickets)),
            )
        print_table(table)


@app.command("show")
@handle_errors
def show_command(disclosure_id: IdArgument, json_out: JsonOption = False) -> None:
    """Show one disclosure."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        found = service.get_disclosure(session=session, disclosure_id=disclosure_id)
        _print(service.view(session=session, keyring=keyring, disclosure=found), json_out)
