"""`dataward rights review`: the records set aside because they name someone else, and the
staff decision to include each in the request or exclude it."""

from __future__ import annotations

from typing import Annotated

import typer

from dataward.core.console import cli_actor, handle_errors, out, print_json, ready_runtime
from dataward.core.crypto import Keyring
from dataward.rights import service
from dataward.rights.crosscheck import review_records, undecided
from dataward.rights.schemas import ReviewItemOut


@handle_errors
def review(
    reference: Annotated[str, typer.Argument(help="The request, e.g. DW-2026-000123.")],
    include: Annotated[
        list[int] | None,
        typer.Option("--include", help="A set-aside record (#) that is the requester's."),
    ] = None,
    exclude: Annotated[
        list[int] | None,
        typer.Option("--exclude", help="A set-aside record (#) that is someone else's."),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="What was checked (required to include).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """List the records set aside for review, or include or exclude them; once none is left
    the request is queued to run again."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        requeued = review_records(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            request=request,
            actor=cli_actor(),
            include=include or (),
            exclude=exclude or (),
            note=note,
        )
        left = len(undecided(request))
        items = [ReviewItemOut.model_validate(i) for i in request.review_items]
        ref = request.reference
    if as_json:
        print_json({"reference": ref, "items": [i.model_dump(mode="json") for i in items]})
        return
    if not items:
        out.print(f"{ref}: no records are set aside for review", markup=False)
    for item in items:
        state = item.decision.value if item.decision else "needs review"
        out.print(
            f"#{item.id} {item.system}.{item.collection} [{state}] {item.reason}", markup=False
        )
    if requeued:
        out.print(
            f"every record is decided: {ref} is queued to run again"
            f" (or run it now with `dataward rights run {ref}`)",
            markup=False,
        )
    elif left:
        out.print(
            f"decide with `dataward rights review {ref} --include N --note TEXT` or --exclude N",
            markup=False,
        )
