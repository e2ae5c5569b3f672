"""`dataward cookies report`: what the website's visitors chose on the cookie banner."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from dataward.cookies import service
from dataward.core.console import handle_errors, out, print_json, print_table, ready_runtime

cookies_app = typer.Typer(
    help="The website's cookie banner: what visitors chose.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(cookies_app, name="cookies")


@cookies_app.command("report")
@handle_errors
def report(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Visitors' latest choices: how many allowed each category, and how many sent GPC."""
    rt = ready_runtime()
    with rt.transaction() as session:
        found = service.summary(session=session)
    if as_json:
        print_json(
            {
                "visitors": found.visitors,
                "with_global_privacy_control": found.with_gpc,
                "allowed": dict(found.allowed),
                "by_banner_version": dict(found.by_version),
            }
        )
        return
    out.print(
        f"{found.visitors} visitors chose; {found.with_gpc} sent Global Privacy Control",
        markup=False,
    )
    if found.allowed:
        table = Table("category", "allowed by", "share")
        for key, count in sorted(found.allowed.items()):
            table.add_row(key, str(count), f"{count / found.visitors:.0%}")
        print_table(table)
