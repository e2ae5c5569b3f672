"""`dataward people find | forget` and `dataward keys status | rotate`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dataward.audit import checkpoints
from dataward.consent import service as consent
from dataward.core.clock import today
from dataward.core.console import (
    cli_actor,
    handle_errors,
    out,
    output_file,
    print_json,
    ready_runtime,
)
from dataward.core.crypto import (
    Keyring,
    encode_key,
    load_signing_key,
    new_key,
    signing_key_id,
)
from dataward.core.errors import NotFound, UsageError
from dataward.core.files import write_private
from dataward.people import keys, service

people_app = typer.Typer(help="People Dataward itself holds data about.", no_args_is_help=True)
keys_app = typer.Typer(help="The master key and the audit signing key.", no_args_is_help=True)

EmailOption = Annotated[str | None, typer.Option("--email", help="The person's email address.")]
PhoneOption = Annotated[str | None, typer.Option("--phone", help="The person's phone number.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def register(app: typer.Typer) -> None:
    app.add_typer(people_app, name="people")
    app.add_typer(keys_app, name="keys")


def _need_identifier(email: str | None, phone: str | None) -> None:
    if email is None and phone is None:
        raise UsageError("give --email or --phone")


@people_app.command("find")
@handle_errors
def find(email: EmailOption = None, phone: PhoneOption = None, as_json: JsonOption = False) -> None:
    """Show the pseudonym of the person with this email or phone, and whether data is held."""
    _need_identifier(email, phone)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        person = service.find_person(session=session, keyring=keyring, email=email, phone=phone)
        suppressed = consent.is_suppressed(
            session=session, keyring=keyring, email=email, phone=phone
        )
        found: dict[str, Any] | None = None
        if person is not None:
            found = {
                "pseudonym": person.pseudonym,
                "data_held": person.wrapped_key is not None,
                "since": person.created_at.date().isoformat(),
            }
    if as_json:
        print_json({"person": found, "suppressed": suppressed})
        return
    if found is None:
        out.print("no person with that identifier is held", markup=False)
    else:
        out.print(
            f"{found['pseudonym']}: data held since {found['since']} (encrypted)", markup=False
        )
    if suppressed:
        out.print("on the marketing suppression list", markup=False)


@people_app.command("forget")
@handle_errors
def forget(
    reason: Annotated[str, typer.Option("--reason", help="Why, e.g. the request reference.")],
    email: EmailOption = None,
    phone: PhoneOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Crypto-shred a person: destroy their data key, so no copy of their data can be read."""
    _need_identifier(email, phone)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        person = service.find_person(session=session, keyring=keyring, email=email, phone=phone)
        if person is None:
            raise NotFound("no person with that identifier is held", fix="check the spelling")
        pseudonym = person.pseudonym
        service.forget(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            person=person,
            actor=cli_actor(),
            reason=reason,
        )
    if as_json:
        print_json({"pseudonym": pseudonym, "forgotten": True})
        return
    out.print(f"{pseudonym} forgotten: their data key is destroyed", markup=False)


@keys_app.command("status")
@handle_errors
def status(as_json: JsonOption = False) -> None:
    """Which master key is configured, whether it fits the database, and the signing key."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    signing_file = rt.settings.resolved_signing_key_file
    pin_file = rt.settings.resolved_signing_public_keys_file
    pinned = keys.pinned_signing_keys(pin_file)
    with rt.transaction() as session:
        state = keys.status(session=session, keyring=keyring)
        signing_key = load_signing_key(signing_file) if signing_file.exists() else None
        registered = signing_key is not None and checkpoints.is_registered(
            session=session, key=signing_key
        )
    report = {
        "master_key": {
            "source": state.source,
            "fingerprint": state.fingerprint,
            "database_expects": state.stored_fingerprint,
            "matches": state.matches,
            "rotated_at": state.rotated_at.isoformat() if state.rotated_at else None,
        },
        "people": {"with_keys": state.people_with_keys, "forgotten": state.people_forgotten},
        "signing_key": {
            "file": str(signing_file),
            "key_id": signing_key_id(signing_key) if signing_key else None,
            "registered": registered,
            "pinned_in": str(pin_file),
            "pinned": [{"key_id": key_id, "line": line} for key_id, line in pinned],
        },
    }
    if as_json:
        print_json(report)
    else:
        verdict = "fits this database" if state.matches else "DOES NOT fit this database"
        out.print(f"master key {state.fingerprint} from {state.source}: {verdict}", markup=False)
        if not state.matches:
            out.print(f"the database expects {state.stored_fingerprint}", markup=False)
        out.print(
            f"people: {state.people_with_keys} with keys, {state.people_forgotten} forgotten",
            markup=False,
        )
        if signing_key is None:
            out.print(f"no signing key at {signing_file} (run `dataward init`)", markup=False)
        else:
            out.print(f"signing key {signing_key_id(signing_key)} at {signing_file}", markup=False)
        if pinned:
            out.print(
                f"public keys trusted to verify the audit log ({pin_file}; write these down):",
                markup=False,
            )
            for _, line in pinned:
                out.print(f"  {line}", markup=False)
        else:
            out.print(
                f"no public signing key pinned at {pin_file} (run `dataward init`)", markup=False
            )
    if not state.matches:
        raise typer.Exit(1)


@keys_app.command("rotate")
@handle_errors
def rotate(
    new_key_file: Annotated[
        Path | None,
        typer.Option(
            help="Write the new master key here instead of replacing the current file.",
            callback=output_file,
        ),
    ] = None,
) -> None:
    """Replace the master key: re-wrap every data key and the index key in one transaction."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    current = None if rt.settings.master_key is not None else rt.settings.resolved_master_key_file
    target = new_key_file or current
    if target is None:
        raise UsageError(
            "the master key comes from DATAWARD_MASTER_KEY, so there is no file to replace",
            fix="give --new-key-file F, then set DATAWARD_MASTER_KEY to its content",
        )
    if target != current and target.exists():
        raise UsageError(f"{target} already exists", fix="choose a new file name")
    # The new key reaches the disk before the database commits, so a crash in between can
    # never leave the keys wrapped by a master key that exists nowhere.
    pending = target.with_name(target.name + ".new")
    master = new_key()
    write_private(pending, (encode_key(master) + "\n").encode("ascii"))
    try:
        with rt.transaction() as session:
            done = keys.rotate(
                session=session,
                keyring=keyring,
                clock=rt.clock,
                new_master=master,
                actor=cli_actor(),
            )
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    kept = None
    if target == current and current.exists():
        kept = _free_name(current.with_name(f"{current.name}.old-{today(rt.clock).isoformat()}"))
        current.replace(kept)
    pending.replace(target)
    out.print(
        f"master key rotated: {done.old_fingerprint} -> {done.new_fingerprint}; "
        f"{done.people_rewrapped} data keys and the index key re-wrapped",
        markup=False,
    )
    out.print(f"new key written to {target}", markup=False)
    if kept is not None:
        out.print(
            f"old key kept as {kept}: destroy it once backups made with it expire", markup=False
        )
    if target != current:
        out.print(
            f"set DATAWARD_MASTER_KEY_FILE={target} (or its content as "
            "DATAWARD_MASTER_KEY) before the next command",
            markup=False,
        )


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}.{n}")
    return candidate
