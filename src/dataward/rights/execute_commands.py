"""`dataward rights access | erase | rectify | restrict | object | portability` and friends.

Each direct command is the same request as the workflow's: it opens one (verified by the staff
member running it, unless `--reference` names a verified request), runs it inline on every
system rather than through the queue, and leaves it awaiting review, or completed with
`--complete`. `rights run` resumes one, `rights task-done` confirms a manual task and
`rights package` writes out a stored package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dataward.core.console import handle_errors, input_file, output_file
from dataward.policy.service import load_policy
from dataward.rights.commands import rights_app
from dataward.rights.direct import (
    DEFAULT_POLICY,
    execute,
    identities_from,
    write_stored_package,
)
from dataward.rights.erasure_preview import dry_run_command
from dataward.rights.models import RequestKind
from dataward.rights.rectification import check_categories, normalise_change, parse_changes

PolicyOption = Annotated[
    Path | None,
    typer.Option("--policy", "-p", help="The policy file (default ./dataward.yaml)."),
]
EmailOption = Annotated[str | None, typer.Option("--email", help="The person's email address.")]
PhoneOption = Annotated[str | None, typer.Option("--phone", help="The person's phone number.")]
RefsOption = Annotated[
    list[str] | None,
    typer.Option("--ref", help="Another identity a dataset declares, as KEY=VALUE (repeatable)."),
]
EnvFileOption = Annotated[
    Path | None,
    typer.Option("--env-file", help="KEY=VALUE file with the systems' connection variables."),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write the package here.", callback=output_file),
]
EncryptOption = Annotated[
    bool,
    typer.Option(
        "--encrypt",
        help="Lock the --out package with AES-256 under a new password, printed once.",
    ),
]
PasswordFileOption = Annotated[
    Path | None,
    typer.Option(
        "--password-file",
        help="Lock the --out package with AES-256 under the password on this file's first line.",
        callback=input_file,
    ),
]
ReferenceOption = Annotated[
    str | None,
    typer.Option("--reference", help="Run this existing verified request instead of a new one."),
]
CompleteOption = Annotated[
    bool, typer.Option("--complete", help="Mark the request completed when every system is done.")
]
RetriesOption = Annotated[
    int, typer.Option("--retries", min=1, max=10, help="Tries per system before it fails.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
EvidenceOption = Annotated[
    str | None,
    typer.Option(
        "--evidence",
        help="What you checked to tie the identities to the person (required with --phone or"
        " --ref).",
    ),
]
PurposeOption = Annotated[
    list[str], typer.Option("--purpose", help="The purpose (data_use key), e.g. marketing.")
]


def register(app: typer.Typer) -> None:
    # The `rights` group is H6a's (commands.py, registered before this module); these join it.
    rights_app.command("access")(access)
    rights_app.command("erase")(erase)
    rights_app.command("rectify")(rectify)
    rights_app.command("restrict")(restrict)
    rights_app.command("object")(object_to)
    rights_app.command("portability")(portability)
    rights_app.command("run")(run)
    rights_app.command("task-done")(task_done)
    rights_app.command("package")(package)


@handle_errors
def access(
    policy: PolicyOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    ref: RefsOption = None,
    env_file: EnvFileOption = None,
    out_path: OutOption = None,
    encrypt: EncryptOption = False,
    password_file: PasswordFileOption = None,
    reference: ReferenceOption = None,
    complete: CompleteOption = False,
    retries: RetriesOption = 3,
    as_json: JsonOption = False,
    evidence: EvidenceOption = None,
) -> None:
    """Find everything held on a person and write the access package (Art 15)."""
    execute(
        kind=RequestKind.ACCESS,
        policy=policy,
        reference=reference,
        identities=identities_from(email, phone, ref),
        env_file=env_file,
        out_path=out_path,
        encrypt=encrypt,
        password_file=password_file,
        complete=complete,
        retries=retries,
        as_json=as_json,
        evidence=evidence,
    )


@handle_errors
def erase(
    policy: PolicyOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    ref: RefsOption = None,
    env_file: EnvFileOption = None,
    reference: ReferenceOption = None,
    system: Annotated[
        list[str] | None,
        typer.Option(
            "--system",
            help="Erase only in this system (repeatable), e.g. call recordings on request.",
        ),
    ] = None,
    complete: CompleteOption = False,
    retries: RetriesOption = 3,
    as_json: JsonOption = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="List every row the erasure would delete, change or keep (and why); "
            "open no request and change nothing.",
        ),
    ] = False,
    evidence: EvidenceOption = None,
) -> None:
    """Erase or anonymise a person everywhere, except what an exemption or hold keeps (Art 17)."""
    if dry_run:
        dry_run_command(
            policy=policy or DEFAULT_POLICY,
            identities=identities_from(email, phone, ref),
            env_file=env_file,
            systems=system,
            json_output=as_json,
        )
        return
    execute(
        kind=RequestKind.ERASURE,
        policy=policy,
        reference=reference,
        identities=identities_from(email, phone, ref),
        details={"systems": list(system)} if system else None,
        env_file=env_file,
        complete=complete,
        retries=retries,
        as_json=as_json,
        evidence=evidence,
    )


@handle_errors
def rectify(
    changes: Annotated[
        list[str], typer.Option("--set", help="CATEGORY=VALUE, e.g. user.name=Alex Smith.")
    ],
    policy: PolicyOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    ref: RefsOption = None,
    env_file: EnvFileOption = None,
    complete: CompleteOption = False,
    retries: RetriesOption = 3,
    as_json: JsonOption = False,
    evidence: EvidenceOption = None,
) -> None:
    """Correct a value in every system holding that category for the person (Art 16)."""
    loaded = load_policy(policy or DEFAULT_POLICY)
    parsed = parse_changes(changes)
    check_categories(loaded.policy, parsed)
    normalised = {k: normalise_change(k, v) for k, v in parsed.items()}
    execute(
        kind=RequestKind.RECTIFICATION,
        policy=policy,
        reference=None,
        identities=identities_from(email, phone, ref),
        details={"changes": normalised},
        env_file=env_file,
        complete=complete,
        retries=retries,
        as_json=as_json,
        evidence=evidence,
    )


@handle_errors
def restrict(
    purpose: PurposeOption,
    policy: PolicyOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    ref: RefsOption = None,
    env_file: EnvFileOption = None,
    retries: RetriesOption = 3,
    as_json: JsonOption = False,
    evidence: EvidenceOption = None,
) -> None:
    """Restrict the use of a person's data for a purpose (Art 18)."""
    execute(
        kind=RequestKind.RESTRICTION,
        policy=policy,
        reference=None,
        identities=identities_from(email, phone, ref),
        purposes=purpose,
        env_file=env_file,
        retries=retries,
        as_json=as_json,
        evidence=evidence,
    )


@handle_errors
def object_to(
    purpose: PurposeOption,
    policy: PolicyOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    ref: RefsOption = None,
    env_file: EnvFileOption = None,
    retries: RetriesOption = 3,
    as_json: JsonOption = False,
    evidence: EvidenceOption = None,
) -> None:
    """Record an objection to a purpose; to direct marketing it is absolute (Art 21)."""
    execute(
        kind=RequestKind.OBJECTION,
        policy=policy,
        reference=None,
        identities=identities_from(email, phone, ref),
        purposes=purpose,
        env_file=env_file,
        retries=retries,
        as_json=as_json,
        evidence=evidence,
    )


@handle_errors
def portability(
    policy: PolicyOption = None,
    email: EmailOption = None,
    phone: PhoneOption = None,
    ref: RefsOption = None,
    env_file: EnvFileOption = None,
    out_path: OutOption = None,
    encrypt: EncryptOption = False,
    password_file: PasswordFileOption = None,
    reference: ReferenceOption = None,
    complete: CompleteOption = False,
    retries: RetriesOption = 3,
    as_json: JsonOption = False,
    evidence: EvidenceOption = None,
) -> None:
    """The data given by consent or under a contract, as JSON and CSV (Art 20)."""
    execute(
        kind=RequestKind.PORTABILITY,
        policy=policy,
        reference=reference,
        identities=identities_from(email, phone, ref),
        env_file=env_file,
        out_path=out_path,
        encrypt=encrypt,
        password_file=password_file,
        complete=complete,
        retries=retries,
        as_json=as_json,
        evidence=evidence,
    )


ReferenceArgument = Annotated[str, typer.Argument(help="The request, e.g. DW-2026-000123.")]


@handle_errors
def run(
    reference: ReferenceArgument,
    policy: PolicyOption = None,
    env_file: EnvFileOption = None,
    out_path: OutOption = None,
    encrypt: EncryptOption = False,
    password_file: PasswordFileOption = None,
    complete: CompleteOption = False,
    retries: RetriesOption = 3,
    as_json: JsonOption = False,
) -> None:
    """Run, or resume, a verified request on every system not yet done."""
    execute(
        kind=None,
        policy=policy,
        reference=reference,
        env_file=env_file,
        out_path=out_path,
        encrypt=encrypt,
        password_file=password_file,
        complete=complete,
        retries=retries,
        as_json=as_json,
    )


@handle_errors
def task_done(
    reference: ReferenceArgument,
    system: Annotated[str, typer.Option("--system", help="The system whose task was done.")],
    policy: PolicyOption = None,
    env_file: EnvFileOption = None,
    out_path: OutOption = None,
    encrypt: EncryptOption = False,
    password_file: PasswordFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Confirm a manual task was done by hand, then finish the request if nothing is left."""
    execute(
        kind=None,
        policy=policy,
        reference=reference,
        env_file=env_file,
        out_path=out_path,
        encrypt=encrypt,
        password_file=password_file,
        confirm_system=system,
        as_json=as_json,
    )


@handle_errors
def package(
    reference: ReferenceArgument,
    out_path: Annotated[
        Path, typer.Option("--out", "-o", help="Write the package here.", callback=output_file)
    ],
    encrypt: EncryptOption = False,
    password_file: PasswordFileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Unseal a stored access or portability package and write it out."""
    write_stored_package(
        reference=reference,
        out_path=out_path,
        encrypt=encrypt,
        password_file=password_file,
        as_json=as_json,
    )
