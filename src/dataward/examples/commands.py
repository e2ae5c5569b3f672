"""`dataward examples list|generate`: the example businesses and their sample systems."""

from __future__ import annotations

import shutil
from pathlib import Path

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from dataward.core.console import LARGEST_ID, handle_errors, out, output_folder, print_json
from dataward.core.errors import UsageError
from dataward.examples.catalogue import (
    EXAMPLES,
    MAX_PEOPLE,
    example_dir,
    generate_example,
    load_generator,
    policy_path,
)
from dataward.examples.systems import ENV_FILE

POLICY_FILE = "dataward.yaml"

examples = typer.Typer(
    help="Five fictional example businesses: their data maps and sample systems.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(examples, name="examples")


def _summary(name: str) -> str:
    doc = load_generator(name).__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else name


def _parse_urls(pairs: list[str]) -> dict[str, str]:
    urls: dict[str, str] = {}
    for pair in pairs:
        system, separator, url = pair.partition("=")
        if not separator or not system.strip() or not url.strip():
            raise UsageError(
                f"cannot read --url {pair!r}",
                fix="write SYSTEM=URL, e.g. --url crm=mysql+pymysql://root@127.0.0.1/crm",
            )
        if system in urls:
            raise UsageError(f"--url names system {system!r} twice")
        urls[system.strip()] = url.strip()
    return urls


def _shown(value: str) -> str:
    """A database URL with its password hidden; anything else as it is."""
    if "://" not in value:
        return value
    try:
        return make_url(value).render_as_string(hide_password=True)
    except ArgumentError:
        return value


@examples.command("list")
@handle_errors
def list_examples(
    json_output: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """List the example businesses and where their policies are."""
    rows = [
        {"name": name, "summary": _summary(name), "policy": str(policy_path(name))}
        for name in EXAMPLES
    ]
    if json_output:
        print_json(rows)
        return
    for row in rows:
        out.print(f"{row['name']:<9} {row['summary']}", markup=False)
        out.print(f"{'':<9} {row['policy']}", markup=False)


@examples.command("generate")
@handle_errors
def generate(
    name: str = typer.Argument(..., help=f"One of: {', '.join(EXAMPLES)}."),
    out_dir: Path = typer.Option(
        ..., "--out", help="Folder for the sample systems.", callback=output_folder
    ),
    people: int = typer.Option(
        200, "--people", min=1, max=MAX_PEOPLE, help="How many people to invent."
    ),
    seed: int = typer.Option(
        7, "--seed", min=0, max=LARGEST_ID, help="The same seed gives the same data."
    ),
    url: list[str] = typer.Option(
        [],
        "--url",
        help="SYSTEM=URL: build that SQL system in this (scratch) PostgreSQL or MariaDB "
        "database instead of a SQLite file. Repeatable.",
    ),
    json_output: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
) -> None:
    """Build an example's sample systems, with a copy of its data map and the environment
    its policy needs."""
    example_dir(name)
    environment = generate_example(name, out_dir, people=people, seed=seed, urls=_parse_urls(url))
    env_file = out_dir.resolve() / ENV_FILE
    # A copy beside the systems it describes, to edit and practise on; the shipped one stays.
    policy = out_dir.resolve() / POLICY_FILE
    shutil.copyfile(policy_path(name), policy)
    shown = {key: _shown(value) for key, value in environment.items()}
    if json_output:
        print_json(
            {
                "example": name,
                "policy": str(policy),
                "out": str(out_dir.resolve()),
                "env_file": str(env_file),
                "environment": shown,
            }
        )
        return
    out.print(f"generated {name} ({people} people, seed {seed}) in {out_dir}", markup=False)
    for key, value in sorted(shown.items()):
        out.print(f"  {key}={value}", markup=False)
    out.print(f"  and its data map: {policy}", markup=False)
    out.print(f"then: dataward systems test -p {policy} --env-file {env_file}", markup=False)
