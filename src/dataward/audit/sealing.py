"""Sealing: sign the end of the log when a command or job that appended to it ends.

A checkpoint after every boundary leaves at most one command's events unsigned, and every
checkpoint goes to the witnesses once it is committed (never before: a witness must not
hold a checkpoint the database rolled back).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.orm import Session

from dataward.audit import checkpoints, service, witness
from dataward.audit.verifier import check_rows
from dataward.audit.verify import ChainVerifier
from dataward.audit.witness import WitnessEntry
from dataward.core import jobs
from dataward.core.clock import Clock
from dataward.core.config import Settings
from dataward.core.crypto import (
    load_signing_key,
    public_key_bytes,
    read_pinned_keys,
    signing_key_id,
)
from dataward.core.errors import ConfigurationError, TamperedError
from dataward.core.runtime import Runtime


def seal(*, session: Session, clock: Clock, key: Ed25519PrivateKey) -> WitnessEntry | None:
    """Sign the head if events came after the newest checkpoint; None if there is nothing new.

    The unsigned events are checked first: they must chain on from the newest checkpoint, so
    that an edit made since then is refused here rather than signed over.
    """
    checkpoints.register_key(session=session, clock=clock, key=key)
    service.lock_chain(session)
    head = service.chain_head(session)
    newest = checkpoints.newest(session)
    if head is None or (newest is not None and newest.sequence >= head.sequence):
        return None
    start = None if newest is None else service.ChainHead(newest.sequence, newest.hash)
    verifier = ChainVerifier((), {}, after=start)
    report = check_rows(session=session, verifier=verifier, after=0 if start is None else start[0])
    if report.problem is not None:
        raise TamperedError(
            f"the audit log was not signed: {report.problem}",
            fix="run `dataward audit verify` and investigate before anything else",
        )
    made = checkpoints.sign(session=session, clock=clock, key=key, event=head)
    return checkpoints.entry_of(made)


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    return load_signing_key(settings.resolved_signing_key_file)


def seal_after_boundary(runtime: Runtime) -> None:
    """Sign what the command or job appended, then hand the checkpoint to the witnesses.

    Without a signing key (a home `dataward init` has not finished) there is nothing to sign
    with: the events stay chained, `audit verify` counts them as unsigned and `keys status`
    says the key is missing.
    """
    if not runtime.settings.resolved_signing_key_file.exists():
        return
    key = signing_key(runtime.settings)
    with runtime.transaction() as session:
        entry = seal(session=session, clock=runtime.clock, key=key)
    # The seal's own key registration event is under its signature: nothing is left to seal.
    runtime.due_at_end.discard(service.SEAL_HOOK)
    if entry is not None:
        witness.publish(runtime.settings, [entry])


def run_checkpoint_job(payload: dict[str, Any], ctx: jobs.JobContext) -> None:
    settings = ctx.runtime.settings
    key = signing_key(settings)
    with ctx.runtime.transaction() as session:
        made = checkpoints.catch_up(
            session=session, clock=ctx.clock, key=key, every=settings.checkpoint_every
        )
        entries = [checkpoints.entry_of(checkpoint) for checkpoint in made]
    witness.publish(settings, entries)


def trusted_keys(settings: Settings) -> dict[str, bytes]:
    """The pinned public keys, and the configured signing key's (it is outside the database too)."""
    pinned = read_pinned_keys(settings.resolved_signing_public_keys_file)
    key_file = settings.resolved_signing_key_file
    if key_file.exists():
        key = load_signing_key(key_file)
        pinned.setdefault(signing_key_id(key), public_key_bytes(key))
    if not pinned:
        raise ConfigurationError(
            f"no trusted audit signing key: neither {settings.resolved_signing_public_keys_file}"
            f" nor {key_file} exists",
            fix="restore signing.pub from the key written down at `dataward init`, or set "
            "DATAWARD_SIGNING_PUBLIC_KEYS_FILE",
        )
    return pinned


def witnessed(settings: Settings, *, checkpoints_in_database: int) -> list[WitnessEntry]:
    """The witness file's checkpoints; refuse to go on without it if there should be one."""
    path: Path = settings.resolved_audit_witness_file
    if path.exists():
        return witness.read_file(path)
    if checkpoints_in_database:
        raise witness.WitnessMissing(
            f"the audit witness file {path} is missing, but the database holds "
            f"{checkpoints_in_database} checkpoints: without it a rewritten or shortened log "
            "can verify as intact",
            fix="restore the file from a backup (or set DATAWARD_AUDIT_WITNESS_FILE), or run "
            "`dataward audit verify --no-witness` to verify the database alone",
        )
    return []
