"""`dataward demo`: one command that shows Dataward working on an example business.

It is a scripted tour of the real CLI (each step runs the same command a user would type),
on the embedded default: a SQLite database and sample systems in a folder of their own.
"""

from __future__ import annotations

import os
import shlex
import shutil
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from dataward.core.clock import clock_from_env, today
from dataward.core.console import err, handle_errors, out, output_folder
from dataward.core.errors import UsageError
from dataward.examples.catalogue import (
    EXAMPLES,
    MAX_PEOPLE,
    known_people,
    load_generator,
    policy_path,
)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def _step(title: str, args: list[str]) -> int:
    """Run one `dataward …` command in this process, as a user would type it."""
    from dataward.cli import app  # the root app; imported here because it imports this module

    out.rule(title)
    out.print(f"$ dataward {shlex.join(args)}", style="dim", markup=False)
    try:
        # Without standalone mode click hands back a command's exit code instead of raising it.
        code = app(args, standalone_mode=False)
    except typer.Exit as exit_:
        return int(exit_.exit_code)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return code if isinstance(code, int) else 0


DEMO_ACCOUNT = "dpo@{business}.example.co.uk"


def _demo_account(business: str) -> None:
    """A staff account for the console, shown on screen: made once, and given a fresh
    password and TOTP secret on every later run, since neither can be shown again."""
    from dataward.accounts import service as accounts
    from dataward.accounts.roles import Role
    from dataward.core.console import ready_runtime
    from dataward.core.crypto import Keyring
    from dataward.core.errors import NotFound

    email = DEMO_ACCOUNT.format(business=business)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    actor = "cli:demo"
    with rt.transaction() as session:
        try:
            user = accounts.find_user(session=session, keyring=keyring, email=email)
        except NotFound:
            made = accounts.add_user(
                session=session,
                keyring=keyring,
                clock=rt.clock,
                email=email,
                role=Role.DPO,
                actor=actor,
                name="Demo DPO",
            )
            password, secret = made.password, made.totp_secret or ""
        else:
            password = accounts.reset_password(
                session=session, clock=rt.clock, user=user, actor=actor
            )
            secret = accounts.enrol_totp(
                session=session, keyring=keyring, clock=rt.clock, user=user, actor=actor
            )
    rt.end_boundary()
    out.rule("The staff console")
    out.print(
        "Open http://127.0.0.1:8000/console and sign in as the demo DPO:\n"
        f"  email:       {email}\n"
        f"  password:    {password}\n"
        f"  TOTP secret: {secret} (add it to an authenticator app, e.g. as\n"
        f"               {accounts.totp_uri(secret, email)})",
        markup=False,
    )


# Written into a demo folder, so --fresh only ever empties a folder the demo made.
MARKER = ".dataward-demo"


def _start_fresh(home: Path) -> None:
    """Empty the demo folder of a previous run: its database, keys, systems and reports."""
    if not home.exists():
        return
    if not (home / MARKER).is_file() and any(home.iterdir()):
        raise UsageError(
            f"{home} was not made by `dataward demo`, so --fresh will not empty it",
            fix="choose another --home, or empty that folder yourself",
        )
    shutil.rmtree(home)


@handle_errors
def demo(
    business: Annotated[
        str, typer.Argument(help=f"Which example business: {', '.join(EXAMPLES)}.")
    ] = "support",
    home: Annotated[
        Path,
        typer.Option(
            help="Folder for the demo's database, keys and sample systems.",
            callback=output_folder,
        ),
    ] = Path("dataward-demo"),
    people: Annotated[
        int, typer.Option(min=1, max=MAX_PEOPLE, help="How many people to invent.")
    ] = 200,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the web service at the end.")
    ] = False,
    fresh: Annotated[
        bool,
        typer.Option(
            "--fresh", help="Start from an empty demo folder (removes the previous run's data)."
        ),
    ] = False,
) -> None:
    """Build an example business's systems and run Dataward on them, step by step."""
    if business not in EXAMPLES:
        raise UsageError(
            f"there is no example called {business!r}", fix=f"choose one of: {', '.join(EXAMPLES)}"
        )
    home = home.resolve() / business
    if fresh:
        _start_fresh(home)
    systems = home / "systems"
    reports = home / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    (home / MARKER).touch()
    # Every step reads its settings from the environment, like a user's shell would.
    os.environ["DATAWARD_HOME"] = str(home)
    os.environ.pop("DATAWARD_DATABASE_URL", None)
    on: date = today(clock_from_env())
    policy = str(policy_path(business))

    out.rule(f"Dataward demo: the {business} example, in {home}")
    out.print(f"building the sample systems in {systems} (dated around {on.isoformat()})")
    environment = load_generator(business).generate(
        systems, people=people, seed=7, urls=None, today=on
    )
    env_file = systems / "systems.env"
    out.print(f"{len(environment)} connection variable(s) written to {env_file}")

    person = next(iter(known_people(business).values()))
    failures = 0
    steps: list[tuple[str, list[str]]] = [
        ("Create the database and keys", ["init"]),
        ("Check the data map", ["check", policy]),
        ("Reach every system", ["systems", "test", "-p", policy, "--env-file", str(env_file)]),
        ("Publish the privacy notice", ["notice", "publish", policy]),
        (
            "Render it for the website",
            ["notice", "render", policy, "--format", "html", "--out", str(reports / "notice.html")],
        ),
        (
            "Export the record of processing (Art 30)",
            ["ropa", "export", policy, "--out", str(reports / "ropa.xlsx")],
        ),
        (
            f"Answer {person.name}'s access request",
            [
                "rights", "access", "-p", policy, "--env-file", str(env_file),
                "--email", person.email, "--out", str(reports / "access-package.zip"),
            ],
        ),
        (
            "What retention would remove today (dry run)",
            ["retention", "sweep", "-p", policy, "--env-file", str(env_file), "--dry-run"],
        ),
        (
            "What goes over the next 12 months",
            [
                "retention", "forecast", "-p", policy, "--env-file", str(env_file),
                "--out", str(reports / "forecast.svg"),
            ],
        ),
        ("Verify the audit log", ["audit", "verify"]),
    ]  # fmt: skip
    for title, args in steps:
        code = _step(title, args)
        if code != 0:
            failures += 1
            err.print(f"step '{title}' exited {code}", markup=False)

    out.rule("Next")
    exports = f"export DATAWARD_HOME={shlex.quote(str(home))}"
    out.print(
        f"Reports are in {reports} (notice.html, ropa.xlsx, access-package.zip, forecast.svg).\n"
        "Try, in this shell:\n"
        f"  {exports}\n"
        f"  dataward retention sweep -p {policy} --env-file {env_file}\n"
        f"  dataward rights erase -p {policy} --env-file {env_file} --email {person.email}\n"
        "  dataward audit log\n"
        "  dataward serve",
        markup=False,
    )
    if failures:
        err.print(
            f"{failures} step(s) failed; to start again from nothing: dataward demo --fresh",
            markup=False,
        )
        raise typer.Exit(1)
    if serve:
        _demo_account(business)
        _step("Serve", ["serve"])
