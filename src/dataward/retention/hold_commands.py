"""`dataward holds add | list | release`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

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
from dataward.core.errors import UsageError
from dataward.policy.service import load_policy
from dataward.retention import holds
from dataward.retention.models import LegalHold
from dataward.retention.options import JsonOption, parse_date

holds_app = typer.Typer(
    help="Legal holds: keep a person, a record or a collection from sweeps and erasure.",
    no_args_is_help=True,
)


def _hold_json(hold: LegalHold, *, keyring: Keyring, due: bool) -> dict[str, Any]:
    return {
        "id": hold.id,
        "scope": hold.scope.value,
        "target": hold.target,
        "system": hold.system,
        "collection": hold.collection,
        "record_key": hold.record_key,
        "person": hold.person_pseudonym,
        "reason": holds.reason_text(hold, keyring=keyring),
        "review_on": hold.review_on.isoformat() if hold.review_on else None,
        "due_for_review": due,
        "placed_at": hold.placed_at.isoformat(),
        "placed_by": hold.placed_by,
        "released_at": hold.released_at.isoformat() if hold.released_at else None,
        "released_by": hold.released_by,
        "release_reason": holds.release_reason_text(hold, keyring=keyring),
    }


def _split_target(text: str, option: str, parts: int) -> list[str]:
    pieces = text.split("/", parts - 1)
    if len(pieces) != parts or not all(pieces):
        shape = "SYSTEM/COLLECTION/KEY" if parts == 3 else "SYSTEM/COLLECTION"
        raise UsageError(
            f"{option} {text!r} is not {shape}",
            fix=f"e.g. {option} calls/recordings" + ("/123" if parts == 3 else ""),
        )
    return pieces


@holds_app.command("add")
@handle_errors
def add(
    reason: Annotated[
        str,
        typer.Option("--reason", help="Why it is held (a claim, an inquiry).", callback=note_text),
    ],
    policy: Annotated[
        Path | None,
        typer.Option(
            "--policy", "-p", help="The policy file (dataward.yaml).", exists=True, dir_okay=False
        ),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Hold everything of this person.")
    ] = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help="Hold everything of this person.")
    ] = None,
    record: Annotated[
        str | None, typer.Option("--record", help="Hold one record: SYSTEM/COLLECTION/KEY.")
    ] = None,
    collection: Annotated[
        str | None, typer.Option("--collection", help="Hold a whole collection: SYSTEM/COLLECTION.")
    ] = None,
    review_on: Annotated[
        str | None, typer.Option("--review-on", help="When to look at it again (YYYY-MM-DD).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Place a legal hold."""
    given = [
        name
        for name, value in (
            ("--email", email),
            ("--phone", phone),
            ("--record", record),
            ("--collection", collection),
        )
        if value is not None
    ]
    if len(given) != 1:
        raise UsageError(
            "say what to hold with exactly one of --email, --phone, --record, --collection"
        )
    review = parse_date(review_on, "--review-on")
    rt = ready_runtime()
    actor = cli_actor()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        if email is not None or phone is not None:
            hold = holds.hold_person(
                session=session,
                keyring=keyring,
                clock=rt.clock,
                actor=actor,
                email=email,
                phone=phone,
                reason=reason,
                review_on=review,
            )
        else:
            if policy is None:
                raise UsageError(
                    "naming a record or collection needs the policy",
                    fix="add --policy dataward.yaml",
                )
            loaded = load_policy(policy)
            if record is not None:
                system, coll, key = _split_target(record, "--record", 3)
                hold = holds.hold_record(
                    session=session,
                    keyring=keyring,
                    clock=rt.clock,
                    policy=loaded.policy,
                    actor=actor,
                    system=system,
                    collection=coll,
                    key=key,
                    reason=reason,
                    review_on=review,
                )
            else:
                assert collection is not None
                system, coll = _split_target(collection, "--collection", 2)
                hold = holds.hold_collection(
                    session=session,
                    keyring=keyring,
                    clock=rt.clock,
                    policy=loaded.policy,
                    actor=actor,
                    system=system,
                    collection=coll,
                    reason=reason,
                    review_on=review,
                )
        result = _hold_json(hold, keyring=keyring, due=holds.due_for_review(hold, clock=rt.clock))
    if as_json:
        print_json(result)
    else:
        out.print(f"legal hold {result['id']} placed on {result['target']}", markup=False)


@holds_app.command("list")
@handle_errors
def list_command(
    include_released: Annotated[
        bool, typer.Option("--all", help="Include released holds.")
    ] = False,
    due: Annotated[bool, typer.Option("--due", help="Only holds due for review.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List legal holds; those past their review date are marked due for review."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        keyring.attach(session)
        rows = [
            _hold_json(h, keyring=keyring, due=holds.due_for_review(h, clock=rt.clock))
            for h in holds.list_holds(session=session, include_released=include_released)
        ]
    if due:
        rows = [r for r in rows if r["due_for_review"]]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no legal holds" + (" due for review" if due else ""))
        return
    table = Table("ID", "Holds", "Reason", "Review on", "Placed", "State")
    for row in rows:
        state = (
            "released"
            if row["released_at"]
            else ("DUE FOR REVIEW" if row["due_for_review"] else "active")
        )
        table.add_row(
            str(row["id"]),
            row["target"],
            row["reason"],
            row["review_on"] or "",
            f"{row['placed_at'][:10]} by {row['placed_by']}",
            state,
        )
    print_table(table)


@holds_app.command("release")
@handle_errors
def release(
    hold_id: Annotated[
        int,
        typer.Argument(help="The hold's ID (see `dataward holds list`).", min=1, max=LARGEST_ID),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why it is no longer needed.", callback=note_text)
    ],
    as_json: JsonOption = False,
) -> None:
    """Release a legal hold: the next sweep applies the retention rules again."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        hold = holds.release_hold(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            actor=cli_actor(),
            hold_id=hold_id,
            reason=reason,
        )
        result = _hold_json(hold, keyring=keyring, due=False)
    if as_json:
        print_json(result)
    else:
        out.print(f"legal hold {hold_id} on {result['target']} released", markup=False)
