"""`dataward comms check | screen | call-check`: may we contact them, and why not."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from dataward.consent.commands import (
    EmailOption,
    JsonOption,
    PhoneOption,
    PolicyOption,
    policy_path,
)
from dataward.core.console import (
    EXIT_FAILED,
    err,
    handle_errors,
    input_file,
    out,
    output_file,
    print_json,
    ready_runtime,
)
from dataward.core.errors import UsageError

comms_app = typer.Typer(
    help="May we contact them? Check a person, screen a list, check a call.",
    no_args_is_help=True,
)

ChannelOption = Annotated[
    str | None,
    typer.Option("--channel", help="A channel of the policy, e.g. marketing or marketing-email."),
]
MediumOption = Annotated[
    str | None,
    typer.Option("--medium", help="email, sms, phone or post (when the channel has several)."),
]
OnOption = Annotated[
    str | None, typer.Option("--on", help="The day of the contact (YYYY-MM-DD, default today).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(comms_app, name="comms")


def contact_day(text: str | None, clock: Any) -> date:
    from dataward.core.clock import today

    if text is None:
        return today(clock)
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"--on {text!r} is not a date", fix="use YYYY-MM-DD") from exc


def _policy(given: Path | None) -> Any:
    from dataward.policy.service import load_policy

    path = policy_path(given)
    if path is None:
        raise UsageError(
            "no policy file: channels are defined there",
            fix="give --policy dataward.yaml or set DATAWARD_POLICY",
        )
    return load_policy(path).policy


@comms_app.command("check")
@handle_errors
def check_command(
    email: EmailOption = None,
    phone: PhoneOption = None,
    channel: ChannelOption = None,
    purpose: Annotated[
        str | None,
        typer.Option("--purpose", help="A purpose of its own, e.g. feedback-publication."),
    ] = None,
    medium: MediumOption = None,
    marketing: Annotated[
        bool,
        typer.Option("--marketing", help="The message is marketing (refused on service channels)."),
    ] = False,
    on: OnOption = None,
    policy: PolicyOption = None,
    as_json: JsonOption = False,
) -> None:
    """May this person be contacted on this channel (or for this purpose) now? Exit 1 if not."""
    from dataward.consent.eligibility import Contact, Screener, target
    from dataward.core.crypto import Keyring

    if email is None and phone is None:
        raise UsageError("give --email or --phone", fix="e.g. --email ann@example.com")
    loaded_policy = _policy(policy)
    chosen = target(
        loaded_policy, channel=channel, purpose=purpose, medium=medium, marketing=marketing
    )
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    day = contact_day(on, rt.clock)
    with rt.transaction() as session:
        screener = Screener(
            session=session,
            keyring=keyring,
            policy=loaded_policy,
            target=chosen,
            on=day,
        )
        verdict = screener.check(Contact(email=email, phone=phone))
    if as_json:
        print_json(
            {
                "allowed": verdict.allowed,
                "reasons": list(verdict.reasons),
                "purpose": chosen.purpose,
                "medium": chosen.medium.value,
                "on": day.isoformat(),
            }
        )
    else:
        word = "yes" if verdict.allowed else "no"
        out.print(
            f"{word}: {chosen.purpose} by {chosen.medium.value} ({', '.join(verdict.reasons)})",
            markup=False,
        )
    if not verdict.allowed:
        raise typer.Exit(EXIT_FAILED)


@comms_app.command("screen")
@handle_errors
def screen_command(
    contact_list: Annotated[
        Path, typer.Argument(help="A CSV list with an email and/or phone column.", dir_okay=False)
    ],
    channel: Annotated[
        str, typer.Option("--channel", help="A channel of the policy, e.g. marketing-email.")
    ],
    medium: MediumOption = None,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write the rows that may be contacted here (CSV).", dir_okay=False
        ),
    ] = None,
    report_file: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Write why each other row was dropped (JSON).", dir_okay=False
        ),
    ] = None,
    on: OnOption = None,
    policy: PolicyOption = None,
    as_json: JsonOption = False,
) -> None:
    """Keep the rows of a list that may be contacted now; say why each other row was dropped."""
    from dataward.consent.eligibility import target
    from dataward.consent.list_screen import screen_csv
    from dataward.core.crypto import Keyring

    input_file(contact_list)
    output_file(out_file)
    output_file(report_file)
    loaded_policy = _policy(policy)
    chosen = target(loaded_policy, channel=channel, medium=medium, marketing=True)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    day = contact_day(on, rt.clock)
    with rt.transaction() as session, _Progress(contact_list) as progress:
        report = screen_csv(
            session=session,
            keyring=keyring,
            policy=loaded_policy,
            target=chosen,
            on=day,
            source=contact_list,
            allowed_out=out_file,
            report_out=report_file,
            progress=progress,
        )
    if as_json:
        print_json(report.as_json(chosen, day))
        return
    out.print(
        f"{report.allowed} of {report.rows} rows may be contacted by {chosen.medium.value} "
        f"on {day.isoformat()}",
        markup=False,
    )
    for reason, count in sorted(report.dropped.items()):
        out.print(f"  dropped {count}: {reason}", markup=False)


class _Progress:
    """A progress bar on a terminal (bytes of the list read); nothing when piped."""

    def __init__(self, path: Path) -> None:
        self.total = path.stat().st_size
        self.bar: Any = None

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return None
        from rich.progress import Progress

        self.bar = Progress(console=err, transient=True)
        self.bar.start()
        task = self.bar.add_task("screening", total=self.total)
        return lambda done: self.bar.update(task, completed=done)

    def __exit__(self, *_: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@comms_app.command("call-check")
@handle_errors
def call_check_command(
    number: Annotated[str, typer.Argument(help="The phone number to be called.")],
    on: OnOption = None,
    as_json: JsonOption = False,
) -> None:
    """May this number be called (TPS, CTPS, our do-not-call list)? Exit 1 if not."""
    from dataward.consent import tps
    from dataward.core.crypto import Keyring, normalise_phone

    normalise_phone(number)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    day = contact_day(on, rt.clock)
    with rt.transaction() as session:
        verdict = tps.call_screening(session=session, keyring=keyring, number=number, call_on=day)
    if as_json:
        print_json({"allowed": verdict.allowed, "reasons": list(verdict.reasons), "on": str(day)})
    else:
        word = "yes" if verdict.allowed else "no"
        reasons = ", ".join(verdict.reasons) or "screened and not listed"
        out.print(f"{word}: call on {day.isoformat()} ({reasons})", markup=False)
    if not verdict.allowed:
        raise typer.Exit(EXIT_FAILED)


@comms_app.command("unsubscribe-link")
@handle_errors
def unsubscribe_link_command(
    email: Annotated[str, typer.Option("--email", help="The address the message goes to.")],
    channel: Annotated[
        str, typer.Option("--channel", help="The marketing channel, e.g. marketing.")
    ],
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            help="Where Dataward's web service is reached, e.g. https://privacy.example.com.",
        ),
    ],
    medium: Annotated[
        str, typer.Option("--medium", help="email, sms, post, or all (default).")
    ] = "all",
    policy: PolicyOption = None,
    as_json: JsonOption = False,
) -> None:
    """A one-click unsubscribe link for one message (for the business's mailing tool)."""
    from urllib.parse import urlsplit

    from dataward.consent import unsubscribe
    from dataward.core.crypto import Keyring

    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.query:
        raise UsageError(
            f"{base_url!r} is not the address of a web service",
            fix="give the start of its URL, e.g. https://privacy.example.com",
        )
    chosen = _policy(policy)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        ((_, token),) = unsubscribe.make_tokens(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            settings=rt.settings,
            policy=chosen,
            emails=[email],
            channel=channel,
            medium=medium,
        )
    url = f"{base_url.strip().rstrip('/')}/unsubscribe/{token}"
    if as_json:
        print_json({"url": url, "list_unsubscribe_post": "List-Unsubscribe=One-Click"})
        return
    out.print(url, markup=False)
