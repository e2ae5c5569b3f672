"""`dataward users add | list | disable | reset-password` and `dataward tokens create | list |
revoke`: the first admin and every machine client start here, on the server."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from dataward.accounts import service, tokens
from dataward.accounts.roles import ACCOUNT_ROLES
from dataward.core.console import cli_actor, handle_errors, out, print_json, ready_runtime
from dataward.core.crypto import Keyring

users_app = typer.Typer(help="Staff accounts for the web console.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens for machine clients.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
EmailArgument = Annotated[str, typer.Argument(help="The account's email address.")]


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")


@users_app.command("add")
@handle_errors
def add(
    email: EmailArgument,
    role: Annotated[
        str, typer.Option("--role", help="admin, dpo, staff or auditor (what the account may do).")
    ],
    job_role: Annotated[
        list[str] | None,
        typer.Option(
            "--job-role",
            help="A business role the policy's restricted_roles name (repeat for more).",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The name shown in the console.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Add a console account; its first password (and TOTP secret for admin and dpo) is shown
    once."""
    chosen = service.role_named(role, allowed=ACCOUNT_ROLES)
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        made = service.add_user(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            email=email,
            role=chosen,
            actor=cli_actor(),
            name=name,
            job_roles=job_role or (),
        )
        result: dict[str, Any] = {
            "id": made.user.id,
            "role": made.user.role,
            "job_roles": made.user.job_roles,
            "password": made.password,
            "totp_secret": made.totp_secret,
            "totp_uri": made.totp_uri,
        }
    if as_json:
        print_json(result)
        return
    out.print(f"account {result['id']} added ({result['role']})", markup=False)
    out.print(f"initial password (shown once): {result['password']}", markup=False)
    if made.totp_secret:
        out.print(f"TOTP secret (shown once): {made.totp_secret}", markup=False)
        out.print(f"add it to an authenticator app: {made.totp_uri}", markup=False)
    out.print("give these to the person in private; sign in at /console/sign-in", markup=False)


@users_app.command("list")
@handle_errors
def list_users(as_json: JsonOption = False) -> None:
    """Every console account with its role, two-factor and status."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        views = service.list_users(session=session, keyring=keyring)
    now = rt.clock.now()
    rows: list[dict[str, Any]] = [
        {
            "id": v.id,
            "email": v.email,
            "name": v.name,
            "role": v.role,
            "job_roles": v.job_roles,
            "two_factor": v.two_factor,
            "status": "disabled"
            if v.disabled
            else ("locked" if v.locked_until and v.locked_until > now else "active"),
            "last_sign_in_at": v.last_sign_in_at.isoformat() if v.last_sign_in_at else None,
        }
        for v in views
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no accounts: add the first with `dataward users add EMAIL --role admin`")
    for row in rows:
        job_roles: list[str] = row["job_roles"]
        jobs = f" [{', '.join(job_roles)}]" if job_roles else ""
        tfa = "TOTP" if row["two_factor"] else "password only"
        out.print(
            f"{row['id']:>4}  {row['email']:<32} {row['role']:<8}{jobs} {tfa}, {row['status']}",
            markup=False,
        )


@users_app.command("disable")
@handle_errors
def disable(email: EmailArgument, as_json: JsonOption = False) -> None:
    """Stop an account signing in; its open sessions end at once."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        user = service.find_user(session=session, keyring=keyring, email=email)
        service.disable_user(session=session, clock=rt.clock, user=user, actor=cli_actor())
        result = {"id": user.id, "disabled": True}
    if as_json:
        print_json(result)
        return
    out.print(f"account {result['id']} disabled; its sessions have ended", markup=False)


@users_app.command("reset-password")
@handle_errors
def reset_password(email: EmailArgument, as_json: JsonOption = False) -> None:
    """Give an account a new generated password (shown once); its sessions end, a lockout
    lifts."""
    rt = ready_runtime()
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        user = service.find_user(session=session, keyring=keyring, email=email)
        password = service.reset_password(
            session=session, clock=rt.clock, user=user, actor=cli_actor()
        )
        result = {"id": user.id, "password": password}
    if as_json:
        print_json(result)
        return
    out.print(f"new password for account {result['id']} (shown once): {password}", markup=False)


@tokens_app.command("create")
@handle_errors
def create(
    role: Annotated[
        str, typer.Option("--role", help="admin, dpo, staff, auditor or source (webhooks).")
    ],
    name: Annotated[str, typer.Option("--name", help="What the token is for, e.g. crm-webhook.")],
    expires_in_days: Annotated[
        int,
        typer.Option(
            "--expires-in-days", min=1, max=tokens.LONGEST_LIFE_DAYS, help="Days until it expires."
        ),
    ] = 90,
    as_json: JsonOption = False,
) -> None:
    """Create an API token; it is printed once and only its digest is kept."""
    chosen = service.role_named(role)
    rt = ready_runtime()
    with rt.transaction() as session:
        row, token = tokens.create_token(
            session=session,
            clock=rt.clock,
            name=name,
            role=chosen,
            actor=cli_actor(),
            expires_in_days=expires_in_days,
        )
        result = {
            "id": row.id,
            "name": row.name,
            "role": row.role,
            "expires_at": row.expires_at.isoformat(),
            "token": token,
        }
    if as_json:
        print_json(result)
        return
    out.print(f"token {result['name']!r} ({result['role']}) until {result['expires_at']}")
    out.print(f"token (shown once, keep it secret): {token}", markup=False)
    out.print("send it as the header `Authorization: Bearer <token>`", markup=False)


@tokens_app.command("list")
@handle_errors
def list_tokens(as_json: JsonOption = False) -> None:
    """Every API token: role, expiry, last use and whether it is revoked (never the token)."""
    rt = ready_runtime()
    now = rt.clock.now()
    with rt.transaction() as session:
        rows = [
            {
                "id": t.id,
                "name": t.name,
                "role": t.role,
                "created_at": t.created_at.isoformat(),
                "expires_at": t.expires_at.isoformat(),
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "status": "revoked"
                if t.revoked_at
                else ("expired" if t.expires_at <= now else "active"),
            }
            for t in tokens.list_tokens(session=session)
        ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        out.print("no tokens: create one with `dataward tokens create --role R --name N`")
    for row in rows:
        used = row["last_used_at"] or "never used"
        out.print(
            f"{row['id']:>4}  {row['name']:<24} {row['role']:<8} {row['status']:<8} "
            f"expires {row['expires_at']}, {used}",
            markup=False,
        )


@tokens_app.command("revoke")
@handle_errors
def revoke(
    name: Annotated[str, typer.Argument(help="The token's name (see `dataward tokens list`).")],
    as_json: JsonOption = False,
) -> None:
    """Revoke an API token at once."""
    rt = ready_runtime()
    with rt.transaction() as session:
        row = tokens.revoke_token(session=session, clock=rt.clock, name=name, actor=cli_actor())
        result = {"id": row.id, "name": row.name, "revoked": True}
    if as_json:
        print_json(result)
        return
    out.print(f"token {result['name']!r} revoked", markup=False)
