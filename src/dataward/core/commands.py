"""`dataward init`: create or upgrade the database and keys, and say where they live."""

from __future__ import annotations

from typing import Annotated

import typer

from dataward.core import migrate
from dataward.core.config import Settings
from dataward.core.console import handle_errors, out, print_json, runtime
from dataward.core.crypto import (
    Keyring,
    create_master_key_file,
    create_signing_key_file,
    load_signing_key,
    pin_public_key,
    signing_key_id,
)
from dataward.core.signing import secret_key


def register(app: typer.Typer) -> None:
    app.command("init")(init)


@handle_errors
def init(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Create or upgrade the database (Alembic) and the keys when none are configured.

    Safe to re-run: an existing database is upgraded, existing keys are never replaced.
    """
    rt = runtime()
    settings = rt.settings
    before = migrate.current_revision(rt.engine)
    migrate.upgrade(rt.engine)
    after = migrate.current_revision(rt.engine)
    url = rt.engine.url.render_as_string(hide_password=True)
    db_state = "created" if before is None else ("upgraded" if before != after else "up to date")

    master_file = settings.resolved_master_key_file
    if settings.master_key is not None:
        master_state, master_where = "from environment", "DATAWARD_MASTER_KEY"
    elif master_file.exists():
        master_state, master_where = "exists", str(master_file)
    else:
        create_master_key_file(master_file)
        master_state, master_where = "created", str(master_file)
    keyring = Keyring.from_settings(settings)
    # Creating the index key here, once, saves two first requests from racing to create it;
    # on an existing database this refuses a master key that is not the one it expects.
    with rt.transaction() as session:
        keyring.attach(session)

    secret_where, secret_state = _secret_key(settings)

    signing_file = settings.resolved_signing_key_file
    if signing_file.exists():
        signing_state, signing_key = "exists", load_signing_key(signing_file)
    else:
        signing_state, signing_key = "created", create_signing_key_file(signing_file)
    # Verification trusts only pinned public keys; a replaced signing key is pinned beside
    # the old one, so the checkpoints the old one signed still verify.
    pin_file = settings.resolved_signing_public_keys_file
    pinned = pin_public_key(pin_file, signing_key)

    if as_json:
        print_json(
            {
                "database": {"url": url, "state": db_state, "revision": after},
                "master_key": {
                    "where": master_where,
                    "state": master_state,
                    "fingerprint": keyring.fingerprint,
                },
                "secret_key": {"where": secret_where, "state": secret_state},
                "signing_key": {
                    "where": str(signing_file),
                    "state": signing_state,
                    "key_id": signing_key_id(signing_key),
                    "pinned_in": str(pin_file),
                    "newly_pinned": pinned,
                },
            }
        )
        return
    out.print(f"database {db_state}: {url} (revision {after})", markup=False)
    out.print(
        f"master key {master_state}: {master_where} (fingerprint {keyring.fingerprint})",
        markup=False,
    )
    out.print(
        f"audit signing key {signing_state}: {signing_file} (key id {signing_key_id(signing_key)})",
        markup=False,
    )
    out.print(f"web secret key {secret_state}: {secret_where}", markup=False)
    if pinned:
        out.print(
            f"audit signing public key pinned in {pin_file}: write down the line "
            "`dataward keys status` prints, so the log can be checked if the file is lost",
            markup=False,
        )
    if "created" in (master_state, signing_state):
        out.print(
            "keep copies of the key files somewhere safe and apart from database backups: "
            "without the master key nothing personal in the database can be read",
            markup=False,
        )


def _secret_key(settings: Settings) -> tuple[str, str]:
    """Where the web's secret key comes from; in development it is made here, once."""
    if settings.secret_key is not None:
        return "DATAWARD_SECRET_KEY", "from environment"
    path = settings.resolved_secret_key_file
    if not path.exists() and settings.environment == "production":
        return "DATAWARD_SECRET_KEY", "not set: set it before `dataward serve`"
    existed = path.exists()
    secret_key(settings)
    return str(path), "exists" if existed else "created"
