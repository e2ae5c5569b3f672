"""`dataward systems test | find`: can each system be reached, and what does it hold on someone."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dataward.audit import service as audit
from dataward.connectors import testing
from dataward.connectors.registry import environ_with
from dataward.connectors.service import FoundSet, Identities, find_person, open_connectors
from dataward.core.console import (
    EXIT_FAILED,
    handle_errors,
    out,
    parse_refs,
    print_json,
    print_table,
    runtime,
)
from dataward.core.crypto import normalise_email, normalise_phone
from dataward.core.errors import UsageError
from dataward.policy.service import LoadedPolicy, load_policy

systems_app = typer.Typer(
    help="The systems where personal data lives: reach them, see what they hold.",
    no_args_is_help=True,
)

PolicyOption = Annotated[
    Path, typer.Option("--policy", "-p", help="The policy file (default ./dataward.yaml).")
]
EnvFileOption = Annotated[
    Path | None,
    typer.Option("--env-file", help="KEY=VALUE lines adding to the environment (URLs, tokens)."),
]
SystemOption = Annotated[
    list[str] | None, typer.Option("--system", "-s", help="Only this system (repeatable).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def register(app: typer.Typer) -> None:
    app.add_typer(systems_app, name="systems")


def chosen_systems(loaded: LoadedPolicy, names: list[str] | None) -> list[str]:
    declared = [s.name for s in loaded.policy.systems]
    for name in names or []:
        if name not in declared:
            raise UsageError(
                f"no system named {name!r} in {loaded.path.name}",
                fix=f"systems: {', '.join(declared) or 'none declared'}",
            )
    return list(names) if names else declared


@systems_app.command("test")
@handle_errors
def test_systems(
    policy: PolicyOption = Path("dataward.yaml"),
    env_file: EnvFileOption = None,
    system: SystemOption = None,
    as_json: JsonOption = False,
) -> None:
    """Reach every system and check its declared tables and fields exist; exit 1 if any fails."""
    loaded = load_policy(policy)
    environ = environ_with(env_file)
    results = [
        testing.test_system(loaded, name, environ=environ).as_dict()
        for name in chosen_systems(loaded, system)
    ]
    failed = [r for r in results if r["status"] == "failed"]
    if as_json:
        print_json({"ok": not failed, "systems": results})
    else:
        for r in results:
            if r["status"] == "ok":
                out.print(f"[green]ok[/]      {r['system']} ({r['kind']}, {r['seconds']} s)")
            elif r["status"] == "skipped":
                out.print(f"[yellow]skipped[/] {r['system']}: {r['reason']}", markup=True)
            else:
                fix = f" ({r['fix']})" if r.get("fix") else ""
                out.print("[red]failed[/]  ", end="")
                out.print(f"{r['error']}{fix}", markup=False)
    if failed:
        raise typer.Exit(EXIT_FAILED)


def identities_from(email: str | None, phone: str | None, refs: list[str]) -> Identities:
    values: dict[str, set[str]] = {}
    if email:
        values.setdefault("email", set()).add(normalise_email(email))
    if phone:
        values.setdefault("phone_number", set()).add(normalise_phone(phone))
    for kind, value in parse_refs(refs).items():
        values.setdefault(kind, set()).add(value)
    identities = Identities(values).normalised()
    if not identities:
        raise UsageError("say whom to look for", fix="give --email, --phone or --ref KIND=VALUE")
    return identities


def found_as_json(found: FoundSet, *, show: bool) -> dict[str, Any]:
    counts = found.counts()
    collections: list[dict[str, Any]] = []
    for (system, collection), count in counts.items():
        entry: dict[str, Any] = {"system": system, "collection": collection, "count": count}
        if show:
            entry["records"] = [
                {"key": list(r.key), "row": r.row, "categories": r.categories}
                for r in found.records
                if (r.system, r.collection) == (system, collection)
            ]
            entry["files"] = [
                str(path)
                for (s, c, _), paths in found.files.items()
                if (s, c) == (system, collection)
                for path in paths
            ]
        collections.append(entry)
    return {
        "records": len(found.records),
        "files": sum(len(p) for p in found.files.values()),
        "rows_scanned": found.rows_scanned,
        "collections": collections,
    }


@systems_app.command("find")
@handle_errors
def find(
    policy: PolicyOption = Path("dataward.yaml"),
    email: Annotated[str | None, typer.Option("--email", help="The person's email.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The person's phone.")] = None,
    ref: Annotated[
        list[str] | None,
        typer.Option("--ref", help="A custom identity, KIND=VALUE, e.g. customer_number=C123."),
    ] = None,
    env_file: EnvFileOption = None,
    system: SystemOption = None,
    show: Annotated[bool, typer.Option("--show", help="Print the records themselves.")] = False,
    as_json: JsonOption = False,
) -> None:
    """What is held on a person, where: counts per collection (staff debugging; logged)."""
    identities = identities_from(email, phone, ref or [])
    loaded = load_policy(policy)
    names = chosen_systems(loaded, system) if system else None
    rt = runtime()
    # Looking someone up across every system is privileged access: refuse without the log.
    rt.require_schema()
    connectors = open_connectors(loaded, environ=environ_with(env_file), systems=names)
    try:
        found = find_person(loaded, connectors, identities)
    finally:
        for connector in connectors.values():
            connector.close()
    report = found_as_json(found, show=show)
    with rt.transaction() as session:
        audit.record(
            session=session,
            clock=rt.clock,
            actor=f"cli:{getpass.getuser()}",
            action="systems.person.searched",
            object_type="policy",
            object_id=loaded.path.name,
            details={
                "identity_kinds": sorted(identities.values),
                "systems": sorted(connectors),
                "collections_searched": len(found.searched),
                "records_found": report["records"],
                "records_shown": show,
            },
        )
    if as_json:
        print_json(report)
        return
    table = Table("system", "collection", "records", box=None, pad_edge=False)
    for entry in report["collections"]:
        table.add_row(entry["system"], entry["collection"], str(entry["count"]))
    print_table(table)
    out.print(
        f"{report['records']} record(s), {report['files']} file(s) in "
        f"{len(found.searched)} collection(s) searched",
        markup=False,
    )
    if show:
        for record in found.records:
            out.print(f"{record.system}.{record.collection} {list(record.key)}: ", end="")
            out.print(repr(record.row), markup=False)
        for paths in found.files.values():
            for path in paths:
                out.print(f"file: {path}", markup=False)
