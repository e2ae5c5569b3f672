"""`dataward rights ...`: the workflow of a subject-rights request, and its deadline arithmetic.

`rights_app` is the one `rights` group. The execution commands (`rights access | erase |
rectify | restrict | object | portability` and friends) live in execute_commands.py, which
imports `rights_app` from here and only adds its commands to it: its `register(app)` must not
mount the group a second time.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from dataward.connectors.registry import environ_for_jobs
from dataward.core.clock import today
from dataward.core.console import (
    EXIT_FAILED,
    cli_actor,
    err,
    handle_errors,
    note_text,
    out,
    parse_refs,
    plausible_day,
    print_json,
    ready_runtime,
)
from dataward.core.crypto import Keyring
from dataward.core.errors import DatawardError, UsageError
from dataward.core.runtime import Runtime
from dataward.policy.service import load_policy
from dataward.rights import service
from dataward.rights.context import require_configured
from dataward.rights.deadline_commands import deadline
from dataward.rights.identities import label, parse_label
from dataward.rights.models import RequestKind, RequestState, RightsRequest
from dataward.rights.rectification import check_categories, normalise_change, parse_changes
from dataward.rights.review_commands import review
from dataward.rights.schemas import EMAIL, PHONE_NUMBER, RequesterIdentities
from dataward.rights.views import print_detail, summary_line, time_left

rights_app = typer.Typer(
    help="Subject-rights requests: open, verify, pause, extend, review and close them.",
    no_args_is_help=True,
)

DATE_FORMATS = ["%Y-%m-%d"]
ReferenceArgument = Annotated[str, typer.Argument(help="The request, e.g. DW-2026-000123.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def register(app: typer.Typer) -> None:
    rights_app.command("deadline")(deadline)
    rights_app.command("review")(review)
    app.add_typer(rights_app, name="rights")


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.date()


def _keyring(rt: Runtime) -> Keyring:
    return Keyring.from_settings(rt.settings)


@rights_app.command("open")
@handle_errors
def open_(
    kind: Annotated[RequestKind, typer.Option("--kind", help="What the person asks for.")],
    policy: Annotated[Path, typer.Option("--policy", "-p", help="The policy file.")] = Path(
        "dataward.yaml"
    ),
    email: Annotated[str | None, typer.Option("--email", help="The person's email.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The person's phone.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="The person's name.")] = None,
    ref: Annotated[
        list[str] | None,
        typer.Option("--ref", help="Another identity a dataset declares, KEY=VALUE (repeatable)."),
    ] = None,
    received: Annotated[
        datetime | None,
        typer.Option(
            "--received",
            formats=DATE_FORMATS,
            callback=plausible_day,
            help="Day received (default today).",
        ),
    ] = None,
    purpose: Annotated[
        list[str] | None,
        typer.Option("--purpose", help="For objection or restriction: a data_use key."),
    ] = None,
    changes: Annotated[
        list[str] | None,
        typer.Option("--set", help="For rectification: CATEGORY=VALUE (repeatable)."),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            "--note", help="The request in the person's words (sealed).", callback=note_text
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Record a request as received; its one-month clock starts on the day of receipt."""
    loaded = load_policy(policy)
    details: dict[str, Any] = {}
    if changes:
        if kind is not RequestKind.RECTIFICATION:
            raise UsageError("--set is for rectification requests", fix="--kind rectification")
        parsed = parse_changes(changes)
        check_categories(loaded.policy, parsed)
        details["changes"] = {k: normalise_change(k, v) for k, v in parsed.items()}
    if note:
        details["note"] = note
    rt = ready_runtime()
    require_configured(loaded, environ=environ_for_jobs(rt.settings.systems_env_file))
    keyring = _keyring(rt)
    with rt.transaction() as session:
        request = service.open_request(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            actor=cli_actor(),
            kind=kind,
            identities=RequesterIdentities(email=email, phone=phone, extra=parse_refs(ref)),
            policy=loaded,
            received_on=_day(received),
            purposes=purpose or (),
            details=details,
            name=name,
        )
        summary = service.summarise(request, today_on=today(rt.clock))
    if as_json:
        print_json(summary.model_dump(mode="json"))
        return
    out.print(
        f"opened {summary.reference}: {summary.kind.value} request received"
        f" {summary.received_on}, due {summary.due_on} ({time_left(summary)})",
        markup=False,
    )
    out.print(
        f"next: verify identity with `dataward rights send-code {summary.reference}`"
        f" or `dataward rights verify {summary.reference} --evidence TEXT`",
        markup=False,
    )
    if phone or ref:
        out.print(
            "a phone number is searched by only once verified (`send-code --by sms`, or"
            " `verify --identity phone --by-call-back --evidence TEXT`), a reference only once"
            " staff verify it (`verify --identity ref:KEY --evidence TEXT`)",
            markup=False,
        )


def _organisation_of(request: RightsRequest) -> str | None:
    """The business's name for the email, when the request's policy file can still be read."""
    try:
        return load_policy(Path(request.policy_path)).policy.organisation.name
    except DatawardError:
        return None


@rights_app.command("send-code")
@handle_errors
def send_code(
    reference: ReferenceArgument,
    by: Annotated[
        str | None,
        typer.Option("--by", help="email or sms (default: the first of the two not yet verified)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Send the requester a one-time code, by email or SMS, to prove that address is theirs."""
    rt = ready_runtime()
    keyring = _keyring(rt)
    with rt.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        row = service.send_code(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            settings=rt.settings,
            request=request,
            actor=cli_actor(),
            organisation=_organisation_of(request),
            by=by,
        )
        ref, expires, sent_to = request.reference, row.expires_at, label(row.identity)
    if as_json:
        print_json(
            {
                "reference": ref,
                "code_sent": True,
                "sent_to": sent_to,
                "expires_at": expires.isoformat(),
            }
        )
        return
    out.print(
        f"code sent for {ref} to the requester's {sent_to}; it expires at"
        f" {expires:%Y-%m-%d %H:%M} UTC",
        markup=False,
    )


@rights_app.command("verify")
@handle_errors
def verify(
    reference: ReferenceArgument,
    code: Annotated[
        str | None, typer.Option("--code", help="The code the requester received.")
    ] = None,
    evidence: Annotated[
        str | None,
        typer.Option("--evidence", help="What was seen, e.g. 'passport checked in person'."),
    ] = None,
    identity_on: Annotated[
        datetime | None,
        typer.Option(
            "--identity-on",
            formats=DATE_FORMATS,
            callback=plausible_day,
            help="Day the evidence arrived (default today).",
        ),
    ] = None,
    identity: Annotated[
        str | None,
        typer.Option("--identity", help="Which identity: email (default), phone or ref:KEY."),
    ] = None,
    by_call_back: Annotated[
        bool,
        typer.Option(
            "--by-call-back",
            help="For a phone: staff rang it back; --evidence says what they checked.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Record one of the requester's identities as proved; only proved ones are searched."""
    if (code is None) == (evidence is None):
        raise UsageError("give either --code or --evidence", fix="one of them, not both")
    if code is not None and identity_on is not None:
        raise UsageError("--identity-on goes with --evidence: a code proves identity today")
    if by_call_back and evidence is None:
        raise UsageError("a call-back is recorded with what was checked", fix="add --evidence TEXT")
    which = parse_label(identity) if identity is not None else None
    if by_call_back and which is None:
        which = PHONE_NUMBER
    rt = ready_runtime()
    keyring = _keyring(rt)
    with rt.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        # Verifying queues the run: a system that cannot be configured fails it for certain.
        require_configured(
            load_policy(Path(request.policy_path)),
            environ=environ_for_jobs(rt.settings.systems_env_file),
        )
        failure: str | None = None
        if code is not None:
            check = service.verify_with_code(
                session=session,
                keyring=keyring,
                clock=rt.clock,
                request=request,
                code=code,
                actor=cli_actor(),
                identity=which,
            )
            # The failed attempt is committed with the transaction: it must count.
            failure = None if check.ok else check.explain(request.reference)
        else:
            service.verify_with_evidence(
                session=session,
                keyring=keyring,
                clock=rt.clock,
                request=request,
                actor=cli_actor(),
                evidence=evidence or "",
                identity_on=_day(identity_on),
                identity=which or EMAIL,
                call_back=by_call_back,
            )
        ref, start_on, due_on = request.reference, request.start_on, request.effective_due_on
        unproved = [label(r.identity) for r in request.identities if not r.verified]
    if failure is not None:
        err.print(f"error: {failure}", markup=False)
        raise typer.Exit(EXIT_FAILED)
    if as_json:
        print_json({"reference": ref, "verified": True, "start_on": start_on, "due_on": due_on})
        return
    out.print(
        f"{ref} verified: the clock runs from {start_on}, due {due_on}; queued to run",
        markup=False,
    )
    if unproved:
        out.print(
            f"not verified, so not searched unless verified before it runs: {', '.join(unproved)}",
            markup=False,
        )


@rights_app.command("list")
@handle_errors
def list_(
    state: Annotated[
        RequestState | None, typer.Option("--state", help="Only requests in this state.")
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open requests past their due date.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Requests by due date, with the days left on each."""
    rt = ready_runtime()
    with rt.transaction() as session:
        on = today(rt.clock)
        found = service.list_requests(session=session, clock=rt.clock, state=state, overdue=overdue)
        summaries = [service.summarise(r, today_on=on) for r in found]
    if as_json:
        print_json([s.model_dump(mode="json") for s in summaries])
        return
    if not summaries:
        out.print("no requests", markup=False)
    for summary in summaries:
        out.print(summary_line(summary), markup=False)


@rights_app.command("show")
@handle_errors
def show(reference: ReferenceArgument, as_json: JsonOption = False) -> None:
    """A request's state, dates, verification, systems and what happened to each record."""
    rt = ready_runtime()
    with rt.transaction() as session:
        request = service.get_request(session=session, reference=reference)
        detail = service.describe(
            request, keyring=_keyring(rt).attached(session), today_on=today(rt.clock)
        )
    if as_json:
        print_json(detail.model_dump(mode="json"))
    else:
        print_detail(detail)
