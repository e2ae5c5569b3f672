"""`dataward notice render | check | publish | list | show | diff`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from dataward.core.console import (
    EXIT_FAILED,
    LARGEST_ID,
    cli_actor,
    handle_errors,
    out,
    output_file,
    plausible_day,
    print_json,
    ready_runtime,
)
from dataward.notice import service as versions
from dataward.notice.build import build_notice
from dataward.notice.check import Status, check_notice, complete
from dataward.notice.diff import Change
from dataward.notice.render import NoticeFormat, render_notice
from dataward.policy.service import load_policy

notice_app = typer.Typer(
    help="The privacy notice: rendered from the data map, checked, versioned.",
    no_args_is_help=True,
)

PolicyArgument = Annotated[
    Path, typer.Argument(help="The policy file (dataward.yaml).", exists=True, dir_okay=False)
]
FormatOption = Annotated[
    NoticeFormat, typer.Option("--format", "-f", help="html (printable page) or md (Markdown).")
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", help="Write to this file instead of the screen.", callback=output_file
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def register(app: typer.Typer) -> None:
    app.add_typer(notice_app, name="notice")


def _emit(text: str, out_file: Path | None) -> None:
    if out_file is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    out_file.write_text(text, encoding="utf-8")
    out.print(f"wrote {out_file}", markup=False)


def _print_changes(changes: list[Change]) -> None:
    for change in changes:
        marker = "!" if change.tell_before_start else "-"
        out.print(f"  {marker} {change.text}", markup=False)


@notice_app.command("render")
@handle_errors
def render(
    policy: PolicyArgument,
    fmt: FormatOption = NoticeFormat.HTML,
    out_file: OutOption = None,
) -> None:
    """Render the privacy notice from the data map (a draft until published)."""
    notice = build_notice(load_policy(policy))
    _emit(render_notice(notice, fmt), out_file)


@notice_app.command("check")
@handle_errors
def check(policy: PolicyArgument, as_json: JsonOption = False) -> None:
    """Check the notice against the Art 13/14 list; exit 1 if a required element is missing."""
    items = check_notice(build_notice(load_policy(policy)))
    ok = complete(items)
    if as_json:
        print_json({"complete": ok, "items": [item.model_dump(mode="json") for item in items]})
    else:
        marks = {Status.PRESENT: "ok  ", Status.MISSING: "MISS", Status.NOT_APPLICABLE: "n/a "}
        for item in items:
            out.print(f"{marks[item.status]} {item.key}: {item.detail}", markup=False)
        missing = sum(1 for item in items if item.status == Status.MISSING)
        out.print(
            "notice complete (Arts 13 and 14)"
            if ok
            else f"{missing} required element(s) missing from the notice",
            markup=False,
        )
    if not ok:
        raise typer.Exit(EXIT_FAILED)


@notice_app.command("publish")
@handle_errors
def publish(
    policy: PolicyArgument,
    effective_on: Annotated[
        datetime | None,
        typer.Option(
            "--effective-on",
            formats=["%Y-%m-%d"],
            callback=plausible_day,
            help="The day the notice takes effect (default today).",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Store the notice as a new dated, numbered version (nothing new if unchanged)."""
    loaded = load_policy(policy)
    rt = ready_runtime()
    with rt.transaction() as session:
        result = versions.publish(
            session=session,
            clock=rt.clock,
            loaded=loaded,
            actor=cli_actor(),
            effective_on=effective_on.date() if effective_on else None,
        )
        number, effective = result.version.number, result.version.effective_on
    if as_json:
        print_json(
            {
                "created": result.created,
                "number": number,
                "effective_on": effective.isoformat(),
                "changes": [c.model_dump(mode="json") for c in result.changes],
            }
        )
        return
    if not result.created:
        out.print(f"notice unchanged: version {number} is still current", markup=False)
        return
    out.print(f"published notice version {number}, in effect from {effective}", markup=False)
    if result.changes:
        out.print("changes since the previous version:", markup=False)
        _print_changes(result.changes)
    if result.tell_first:
        names = ", ".join(sorted({c.subject for c in result.tell_first}))
        out.print(
            f"people must be told before processing starts for: {names} "
            f"(from {effective}; until then it stays blocked)",
            markup=False,
        )


@notice_app.command("list")
@handle_errors
def list_(as_json: JsonOption = False) -> None:
    """The published versions, oldest first."""
    rt = ready_runtime()
    with rt.transaction() as session:
        rows = [
            {
                "number": v.number,
                "effective_on": v.effective_on.isoformat(),
                "published_at": v.published_at.isoformat(timespec="seconds"),
                "published_by": v.published_by,
                "policy_digest": v.policy_digest,
                "purposes": len(versions.notice_of(v).purposes),
            }
            for v in versions.list_versions(session=session)
        ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no notice published yet: run `dataward notice publish POLICY`", markup=False)
    for row in rows:
        out.print(
            f"{row['number']:>3}  in effect from {row['effective_on']}  published "
            f"{row['published_at']} by {row['published_by']}  {row['purposes']} purpose(s)  "
            f"policy {str(row['policy_digest'])[:12]}",
            markup=False,
        )


@notice_app.command("show")
@handle_errors
def show(
    number: Annotated[int, typer.Argument(help="The version number.", min=1, max=LARGEST_ID)],
    fmt: FormatOption = NoticeFormat.MARKDOWN,
    out_file: OutOption = None,
) -> None:
    """Print a published version exactly as it was published."""
    rt = ready_runtime()
    with rt.transaction() as session:
        version = versions.get_version(session=session, number=number)
        text = version.html if fmt == NoticeFormat.HTML else version.markdown
    _emit(text, out_file)


@notice_app.command("diff")
@handle_errors
def diff(
    old: Annotated[int, typer.Argument(help="The earlier version number.", min=1, max=LARGEST_ID)],
    new: Annotated[int, typer.Argument(help="The later version number.", min=1, max=LARGEST_ID)],
    as_json: JsonOption = False,
) -> None:
    """What changed between two published versions, in words."""
    rt = ready_runtime()
    with rt.transaction() as session:
        changes = versions.diff_versions(session=session, old=old, new=new)
    if as_json:
        print_json([c.model_dump(mode="json") for c in changes])
        return
    if not changes:
        out.print(f"versions {old} and {new} say the same", markup=False)
        return
    out.print(f"from version {old} to version {new}:", markup=False)
    _print_changes(changes)
