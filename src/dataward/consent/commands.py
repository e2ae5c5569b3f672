"""`dataward consent record | withdraw | show | history | import`: the consent ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dataward.core.console import (
    cli_actor,
    handle_errors,
    input_file,
    out,
    print_json,
    ready_runtime,
)
from dataward.core.errors import UsageError

consent_app = typer.Typer(
    help="The consent ledger: who agreed to what, when, how, and what they were shown.",
    no_args_is_help=True,
)

EmailOption = Annotated[str | None, typer.Option("--email", help="The person's email address.")]
PhoneOption = Annotated[str | None, typer.Option("--phone", help="The person's phone number.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
ChannelOption = Annotated[
    str | None, typer.Option("--channel", help="A channel of the policy, e.g. marketing.")
]
PurposeOption = Annotated[
    str | None,
    typer.Option("--purpose", help="A purpose of its own, e.g. feedback-publication."),
]
MediumOption = Annotated[
    str,
    typer.Option("--medium", help="email, sms, phone, post, automated_call, or all (default)."),
]
HowOption = Annotated[
    str,
    typer.Option(
        "--how",
        help="web-form, order-form, call-note, unsubscribe-link, privacy-centre, import, "
        "email, letter or in-person.",
    ),
]
WordingVersionOption = Annotated[
    str | None,
    typer.Option("--wording-version", help="The form or notice version shown, e.g. 'form v3'."),
]
WordingOption = Annotated[
    str | None, typer.Option("--wording", help="The exact text shown (or --wording-file).")
]
WordingFileOption = Annotated[
    Path | None,
    typer.Option("--wording-file", help="A file holding the exact text shown.", dir_okay=False),
]
PolicyOption = Annotated[
    Path | None,
    typer.Option(
        "--policy",
        "-p",
        help="The policy file (default: DATAWARD_POLICY, else ./dataward.yaml if present).",
        dir_okay=False,
    ),
]
MAX_WORDING_BYTES = 1024 * 1024


def register(app: typer.Typer) -> None:
    app.add_typer(consent_app, name="consent")


def need_identifier(email: str | None, phone: str | None) -> None:
    if email is None and phone is None:
        raise UsageError("give --email or --phone", fix="e.g. --email ann@example.com")


def one_purpose(channel: str | None, purpose: str | None) -> str:
    if (channel is None) == (purpose is None):
        raise UsageError("give either --channel or --purpose", fix="e.g. --channel marketing")
    return channel or purpose or ""


def policy_path(given: Path | None) -> Path | None:
    """The policy to check channel names against: given, configured, or in this folder."""
    if given is not None:
        return input_file(given)
    from dataward.core.config import load_settings

    configured = load_settings().policy
    if configured is not None:
        return input_file(configured)
    here = Path("dataward.yaml")
    return here if here.is_file() else None


def wording_of(version: str | None, text: str | None, file: Path | None) -> Any:
    from dataward.consent.ledger import Wording

    if text is not None and file is not None:
        raise UsageError("give --wording or --wording-file, not both")
    if file is not None:
        input_file(file)
        if file.stat().st_size > MAX_WORDING_BYTES:
            raise UsageError(f"{file} is larger than 1 MB", fix="give the text that was shown")
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise UsageError(f"{file} is not UTF-8 text", fix="save it as plain text") from exc
    if version is None or text is None:
        raise UsageError(
            "say what the person was shown: --wording-version and --wording (or --wording-file)",
            fix="e.g. --wording-version 'order form v3' --wording 'Email me offers'",
        )
    return Wording.of(version, text)


@consent_app.command("record")
@handle_errors
def record_command(
    how: HowOption,
    email: EmailOption = None,
    phone: PhoneOption = None,
    name: Annotated[str | None, typer.Option("--name", help="The person's name.")] = None,
    channel: ChannelOption = None,
    purpose: PurposeOption = None,
    medium: MediumOption = "all",
    wording_version: WordingVersionOption = None,
    wording: WordingOption = None,
    wording_file: WordingFileOption = None,
    sale: Annotated[
        bool,
        typer.Option(
            "--sale",
            help="Not consent: the details were obtained in a sale, with an opt-out offered "
            "(the ground of the soft opt-in).",
        ),
    ] = False,
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", help="Consent given for an organisation (a school)."),
    ] = None,
    given_by: Annotated[
        str | None,
        typer.Option("--given-by", help="The email of who gave it for the organisation."),
    ] = None,
    policy: PolicyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record consent given (or, with --sale, details obtained in a sale)."""
    from dataward.consent import recording
    from dataward.consent.ledger import LedgerAction

    need_identifier(email, phone)
    action = LedgerAction.SALE if sale else LedgerAction.GIVEN
    _write(
        recording.RecordRequest(
            email=email,
            phone=phone,
            name=name,
            purpose=one_purpose(channel, purpose),
            medium=medium,
            action=action,
            method=how,
            wording=wording_of(wording_version, wording, wording_file),
            organisation=organisation,
            given_by=given_by,
        ),
        policy=policy,
        as_json=as_json,
    )


@consent_app.command("withdraw")
@handle_errors
def withdraw_command(
    how: HowOption,
    email: EmailOption = None,
    phone: PhoneOption = None,
    channel: ChannelOption = None,
    purpose: PurposeOption = None,
    medium: MediumOption = "all",
    wording_version: WordingVersionOption = None,
    wording: WordingOption = None,
    wording_file: WordingFileOption = None,
    objection: Annotated[
        bool,
        typer.Option(
            "--objection",
            help="An objection to direct marketing: absolute, and the address is suppressed.",
        ),
    ] = False,
    policy: PolicyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Record consent withdrawn (or an objection): as easy as giving it."""
    from dataward.consent import recording
    from dataward.consent.ledger import LedgerAction

    need_identifier(email, phone)
    if wording_version is None and wording is None and wording_file is None:
        # What the person said is theirs, not a form's: record the request itself.
        wording_version, wording = "withdrawal request", "The person asked to stop."
    _write(
        recording.RecordRequest(
            email=email,
            phone=phone,
            name=None,
            purpose=one_purpose(channel, purpose),
            medium=medium,
            action=LedgerAction.OBJECTED if objection else LedgerAction.WITHDRAWN,
            method=how,
            wording=wording_of(wording_version, wording, wording_file),
        ),
        policy=policy,
        as_json=as_json,
    )


def _write(request: Any, *, policy: Path | None, as_json: bool) -> None:
    from dataward.consent import recording
    from dataward.core.crypto import Keyring
    from dataward.policy.service import load_policy

    path = policy_path(policy)
    loaded = load_policy(path) if path is not None else None
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        row = recording.record_consent(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            actor=cli_actor(),
            request=request,
            policy=loaded.policy if loaded else None,
        )
        shown = {
            "event": row.id,
            "pseudonym": row.pseudonym,
            "purpose": row.purpose,
            "medium": row.medium,
            "action": row.action,
            "recorded_at": row.recorded_at.isoformat(),
        }
    if as_json:
        print_json(shown)
        return
    out.print(
        f"recorded event {shown['event']}: {shown['action']} for {shown['purpose']} "
        f"({shown['medium']}) of {shown['pseudonym']}",
        markup=False,
    )


@consent_app.command("import")
@handle_errors
def import_command(
    form_file: Annotated[
        Path,
        typer.Argument(
            help="CSV from a collection form: email, phone, name, opt_in_email, opt_in_sms, ...",
            dir_okay=False,
        ),
    ],
    wording_version: WordingVersionOption = None,
    wording: WordingOption = None,
    wording_file: WordingFileOption = None,
    channel: ChannelOption = None,
    purpose: PurposeOption = None,
    how: HowOption = "web-form",
    policy: PolicyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Import a collection form's checkboxes: ticked gives consent, unticked withdraws it."""
    from dataward.consent import preferences
    from dataward.consent.ledger import Method, choice
    from dataward.core.crypto import Keyring
    from dataward.policy.service import load_policy

    input_file(form_file)
    name = one_purpose(channel, purpose)
    shown = wording_of(wording_version, wording, wording_file)
    method = choice(Method, how, "way consent was collected")
    path = policy_path(policy)
    loaded = load_policy(path) if path is not None else None
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        report = preferences.import_form(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            actor=cli_actor(),
            path=form_file,
            purpose=name,
            wording=shown,
            method=method,
            policy=loaded.policy if loaded else None,
        )
    if as_json:
        print_json(
            {"rows": report.rows, "events": report.events, "file_digest": report.file_digest}
        )
        return
    out.print(
        f"{report.rows} rows read, {report.events} preferences changed "
        f"(file sha256 {report.file_digest[:16]}...)",
        markup=False,
    )
