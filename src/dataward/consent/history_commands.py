"""`dataward consent show | history`: a person's preference record and every event behind it."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from dataward.consent.commands import (
    EmailOption,
    JsonOption,
    PhoneOption,
    consent_app,
    need_identifier,
)
from dataward.core.console import handle_errors, out, print_json, print_table, ready_runtime
from dataward.core.errors import NotFound


def register(app: typer.Typer) -> None:
    # The `consent` group is made in commands.py (registered before this module); these join it.
    consent_app.command("show")(show_command)
    consent_app.command("history")(history_command)


def _person(session: Any, keyring: Any, email: str | None, phone: str | None) -> Any:
    from dataward.people import service as people

    person = people.find_person(session=session, keyring=keyring, email=email, phone=phone)
    if person is None:
        raise NotFound(
            "nobody with that email or phone is in the ledger",
            fix="check the spelling, or record their consent first",
        )
    return person


@handle_errors
def show_command(
    email: EmailOption = None, phone: PhoneOption = None, as_json: JsonOption = False
) -> None:
    """A person's preference record: the current state for each purpose and medium."""
    from dataward.consent import preferences
    from dataward.core.crypto import Keyring

    need_identifier(email, phone)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        person = _person(session, keyring, email, phone)
        record = preferences.preferences(session=session, pseudonym=person.pseudonym)
        pseudonym = person.pseudonym
    rows = [
        {
            "purpose": p.purpose,
            "medium": p.medium,
            "state": p.state,
            "since": p.since.isoformat(),
            "how": p.method,
            "wording_version": p.wording_version,
        }
        for p in record
    ]
    if as_json:
        print_json({"pseudonym": pseudonym, "preferences": rows})
        return
    table = Table(title=f"Preferences of {pseudonym}")
    for header in ("purpose", "medium", "state", "since", "how", "wording_version"):
        table.add_column(header.replace("_", " "))
    for row in rows:
        table.add_row(*(str(row[k]) for k in row))
    if not rows:
        out.print(f"{pseudonym}: nothing recorded yet", markup=False)
        return
    print_table(table)


@handle_errors
def history_command(
    email: EmailOption = None,
    phone: PhoneOption = None,
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="Every event for this organisation.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Every ledger event of a person (or an organisation), oldest first."""
    from dataward.consent import ledger, recording
    from dataward.core.crypto import Keyring

    if organisation is None:
        need_identifier(email, phone)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        if organisation is not None:
            rows = ledger.for_organisation(session=session, keyring=keyring, name=organisation)
        else:
            person = _person(session, keyring, email, phone)
            rows = ledger.history(session=session, pseudonym=person.pseudonym)
        events = [recording.event_json(keyring, row) for row in rows]
    if as_json:
        print_json(events)
        return
    if not events:
        out.print("no events recorded", markup=False)
        return
    table = Table(title="Consent ledger")
    columns = ("id", "recorded_at", "pseudonym", "purpose", "medium", "action", "how")
    for header in (*columns, "wording_version", "organisation", "given_by", "recorded_by"):
        table.add_column(header.replace("_", " "))
    for event in events:
        table.add_row(
            *(str(event[k]) for k in columns),
            str(event["wording_version"]),
            str(event["organisation"] or ""),
            str(event["given_by"] or ""),
            str(event["recorded_by"]),
        )
    print_table(table)
