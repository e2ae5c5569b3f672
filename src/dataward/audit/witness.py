"""Witnesses: copies of every checkpoint kept where the database's writers cannot reach.

Someone who can write to the database can delete checkpoints, cut the log short or rewrite
it and re-hash; only a record outside the database shows that it once said otherwise. The
file witness (append-only, fsynced, 0600) is always kept; a URL (POST of the checkpoint's
JSON) and an email to the DPO are optional further witnesses, out of the machine's reach.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from dataward.core import mail
from dataward.core.config import Settings
from dataward.core.errors import ConfigurationError, ConnectorError

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class WitnessEntry:
    """One checkpoint as witnessed: enough to compare with the database and re-check."""

    sequence: int
    hash: str
    key_id: str
    signature: bytes
    at: str

    def as_json(self) -> dict[str, Any]:
        return {
            "sequence": self.sequence,
            "hash": self.hash,
            "key_id": self.key_id,
            "signature": base64.b64encode(self.signature).decode("ascii"),
            "at": self.at,
        }

    @classmethod
    def from_json(cls, value: Any) -> WitnessEntry:
        return cls(
            sequence=int(value["sequence"]),
            hash=str(value["hash"]),
            key_id=str(value["key_id"]),
            signature=base64.b64decode(value["signature"], validate=True),
            at=str(value["at"]),
        )


class WitnessMissing(ConfigurationError):
    """The witness file is gone while the database holds checkpoints."""


def append_to_file(path: Path, entries: Iterable[WitnessEntry]) -> None:
    """Append one line per checkpoint and fsync; the file is created 0600 and never rewritten."""
    lines = "".join(json.dumps(entry.as_json(), sort_keys=True) + "\n" for entry in entries)
    if not lines:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, lines.encode("ascii"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if created:  # the new name must survive a crash as well as the line
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def read_file(path: Path) -> list[WitnessEntry]:
    """Every witnessed checkpoint; a line that cannot be read is an error naming it."""
    entries = []
    with path.open(encoding="ascii", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entries.append(WitnessEntry.from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise ConfigurationError(
                    f"line {number} of the audit witness {path} cannot be read ({exc})",
                    fix="restore the witness file from a copy; it is only ever appended to",
                ) from exc
    return entries


def post_to_url(url: str, entries: Iterable[WitnessEntry]) -> None:
    for entry in entries:
        response = httpx.post(url, json=entry.as_json(), timeout=TIMEOUT_SECONDS)
        response.raise_for_status()


def email_to(settings: Settings, address: str, entries: Iterable[WitnessEntry]) -> None:
    batch = list(entries)
    if not batch:
        return
    message = mail.new_message(
        settings,
        to=address,
        subject=f"Dataward audit checkpoint {batch[-1].sequence}",
        now=datetime.now(UTC),
    )
    message.set_content(
        "Dataward signed its audit log. Keep this email: `dataward audit verify` can only\n"
        "prove the log was not rewritten since if a copy like this exists outside it.\n\n"
        + "".join(json.dumps(entry.as_json(), sort_keys=True) + "\n" for entry in batch)
    )
    mail.send_mail(settings, message)


def publish(settings: Settings, entries: list[WitnessEntry]) -> None:
    """Give new checkpoints to every configured witness; try them all, then report failures."""
    if not entries:
        return
    failures = []
    try:
        append_to_file(settings.resolved_audit_witness_file, entries)
    except OSError as exc:
        failures.append(f"the witness file {settings.resolved_audit_witness_file}: {exc}")
    if settings.audit_witness_url:
        try:
            post_to_url(settings.audit_witness_url, entries)
        except httpx.HTTPError as exc:
            failures.append(f"the witness URL {settings.audit_witness_url}: {exc}")
    if settings.audit_witness_email:
        try:
            email_to(settings, settings.audit_witness_email, entries)
        except ConnectorError as exc:
            failures.append(f"the witness email to {settings.audit_witness_email}: {exc.message}")
    if failures:
        raise ConfigurationError(
            f"audit checkpoint {entries[-1].sequence} is signed but did not reach "
            + "; ".join(failures),
            fix="fix the witness settings; `dataward audit checkpoint` sends the next one",
        )
