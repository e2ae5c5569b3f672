"""Someone with write access to the database tries to rewrite, cut or re-sign the audit log.

Each test runs real commands against a real home (SQLite file, key files, witness file), then
attacks the database directly as such a person could, and runs `dataward audit verify`.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from people.factories import CliRun
from rights.request_factories import write_policy
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dataward.audit import checkpoints
from dataward.audit import service as audit
from dataward.audit.models import AuditCheckpoint, AuditEvent
from dataward.core.clock import FixedClock
from dataward.core.crypto import (
    create_signing_key_file,
    load_signing_key,
    read_pinned_keys,
    signing_key_id,
)
from dataward.core.db import make_engine, make_sessionmaker, transaction

ALICE = "alice@example.com"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Opening a request checks that its systems can be configured (nothing is reached).
    monkeypatch.setenv("BILLING_DB_URL", f"sqlite:///{tmp_path / 'billing.db'}")
    return write_policy(tmp_path).path


def _open_request(cli: CliRun, policy: Path, email: str = ALICE) -> None:
    """A command that appends several events (request opened, person found, ...)."""
    result = cli("rights", "open", "--kind", "access", "--policy", str(policy), "--email", email)
    assert result.exit_code == 0, result.output


def _verify(cli: CliRun, *extra: str) -> dict[str, Any]:
    result = cli("audit", "verify", "--json", *extra)
    report: dict[str, Any] = json.loads(result.stdout)
    assert result.exit_code == (0 if report["ok"] else 1), result.output
    return report


@contextmanager
def attacker(home: Path) -> Iterator[Session]:
    """A session on the database alone: what someone with write access to it has."""
    engine = make_engine(f"sqlite:///{home / 'dataward.db'}")
    try:
        with transaction(make_sessionmaker(engine)) as session:
            yield session
    finally:
        engine.dispose()


def _rehash_from(session: Session, sequence: int) -> None:
    previous = session.get(AuditEvent, sequence - 1)
    prev_hash = previous.hash if previous else audit.GENESIS_HASH
    later = select(AuditEvent).where(AuditEvent.sequence >= sequence)
    for event in session.scalars(later.order_by(AuditEvent.sequence)):
        event.prev_hash = prev_hash
        event.hash = audit.expected_hash(event)
        prev_hash = event.hash
    session.flush()


def _witness_lines(home: Path) -> list[dict[str, Any]]:
    text = (home / "audit-witness.jsonl").read_text(encoding="ascii")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture
def used(cli: CliRun, home: Path, policy: Path) -> Path:
    """An initialised home after three commands that appended events."""
    assert cli("init").exit_code == 0
    _open_request(cli, policy)
    _open_request(cli, policy, "bob@example.com")
    _open_request(cli, policy, "carol@example.com")
    return home


def test_every_command_that_appends_events_ends_signed_and_witnessed(
    cli: CliRun, used: Path
) -> None:
    report = _verify(cli)
    assert report["ok"] and report["unsigned_tail"] == 0
    assert report["checkpoints_verified"] == report["witnessed_checkpoints"] == 3
    assert report["last_witnessed"] == report["last_sequence"]
    witness_file = used / "audit-witness.jsonl"
    assert stat.S_IMODE(witness_file.stat().st_mode) == 0o600
    witnessed = [line["sequence"] for line in _witness_lines(used)]
    assert len(witnessed) == 3 and witnessed == sorted(witnessed)
    assert witnessed[-1] == report["last_sequence"]


def test_a_read_only_command_writes_no_checkpoint(cli: CliRun, used: Path) -> None:
    before = _witness_lines(used)
    assert cli("audit", "log").exit_code == 0
    assert cli("audit", "verify").exit_code == 0
    assert _witness_lines(used) == before


def test_attack_checkpoint_deletion(cli: CliRun, used: Path) -> None:
    with attacker(used) as session:
        session.execute(delete(AuditCheckpoint))
    report = _verify(cli)
    assert not report["ok"]
    assert report["problem"]["detected_by"] == "witness: checkpoint missing"
    assert report["problem"]["sequence"] == _witness_lines(used)[0]["sequence"]


def test_attack_chain_truncation(cli: CliRun, used: Path) -> None:
    cut_from = _witness_lines(used)[1]["sequence"] + 1
    with attacker(used) as session:
        session.execute(delete(AuditEvent).where(AuditEvent.sequence >= cut_from))
        session.execute(delete(AuditCheckpoint).where(AuditCheckpoint.sequence >= cut_from))
    report = _verify(cli)
    assert not report["ok"]
    assert report["problem"]["detected_by"] == "witness: chain shorter"
    assert report["problem"]["sequence"] == cut_from
    assert report["problem"]["kind"] == "removed"


def test_attack_rehash_chain_after_edit(cli: CliRun, used: Path) -> None:
    with attacker(used) as session:
        event = session.get(AuditEvent, 2)
        assert event is not None
        event.actor = "cli:someone-else"
        _rehash_from(session, 2)
        # The signed checkpoints would give it away, so they go too.
        session.execute(delete(AuditCheckpoint))
    report = _verify(cli)
    assert not report["ok"]
    assert report["problem"]["detected_by"] == "witness mismatch"
    # The first witnessed checkpoint at or after the edit is where the chain disagrees.
    first = min(line["sequence"] for line in _witness_lines(used) if line["sequence"] >= 2)
    assert report["problem"]["sequence"] == first


def test_attack_resign_with_key_added_to_database(cli: CliRun, used: Path) -> None:
    theirs = Ed25519PrivateKey.generate()
    clock = FixedClock(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    with attacker(used) as session:
        event = session.get(AuditEvent, 2)
        assert event is not None
        event.details = {**event.details, "rewritten": True}
        _rehash_from(session, 2)
        session.execute(delete(AuditCheckpoint))
        # Their key goes where verify used to look for keys, and signs the rewritten chain.
        checkpoints.register_key(session=session, clock=clock, key=theirs)
        checkpoints.checkpoint_now(session=session, clock=clock, key=theirs)
    # The witness file would show the rewrite; say it was lost too.
    (used / "audit-witness.jsonl").unlink()
    missing = cli("audit", "verify")
    assert missing.exit_code == 2
    assert "--no-witness" in missing.output
    report = _verify(cli, "--no-witness")
    assert not report["ok"]
    assert report["problem"]["detected_by"] == "unknown signing key"
    assert signing_key_id(theirs) in report["problem"]["message"]


def test_attack_change_after_last_checkpoint(cli: CliRun, used: Path) -> None:
    # The newest events are those of the last command, and its end signed them.
    with attacker(used) as session:
        head = audit.head(session)
        assert head is not None
        head.object_id = "forged"
        _rehash_from(session, head.sequence)
    report = _verify(cli)
    assert not report["ok"]
    assert report["problem"]["detected_by"] in ("checkpoint mismatch", "witness mismatch")
    assert report["problem"]["sequence"] == _witness_lines(used)[-1]["sequence"]


def test_attack_edit_of_unsigned_events_is_refused_a_signature(
    cli: CliRun, used: Path, policy: Path
) -> None:
    clock = FixedClock(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    with attacker(used) as session:
        # Events appended outside a command (nothing signed them yet), then one altered.
        for _ in range(3):
            audit.record(
                session=session, clock=clock, actor="system:test", action="t.s", object_type="s"
            )
        forged = audit.head(session)
        assert forged is not None
        forged.actor = "cli:someone-else"
    result = cli("rights", "open", "--kind", "access", "--policy", str(policy), "--email", ALICE)
    assert result.exit_code == 0  # the command's own work stands...
    assert "the audit log was not signed" in result.output  # ...but nothing is signed over it
    report = _verify(cli)
    assert report["problem"]["detected_by"] == "hash mismatch"


def test_verify_without_the_witness_file_says_how_to_proceed(cli: CliRun, used: Path) -> None:
    (used / "audit-witness.jsonl").unlink()
    refused = cli("audit", "verify")
    assert refused.exit_code == 2
    assert "audit-witness.jsonl is missing" in refused.output
    assert "Traceback" not in refused.output
    acknowledged = cli("audit", "verify", "--no-witness")
    assert acknowledged.exit_code == 0
    assert "WITHOUT the witness" in acknowledged.stdout


def test_init_pins_the_public_key_and_keys_status_prints_it(cli: CliRun, home: Path) -> None:
    assert cli("init").exit_code == 0
    pinned = read_pinned_keys(home / "signing.pub")
    assert list(pinned) == [signing_key_id(load_signing_key(home / "signing.key"))]
    status = cli("keys", "status", "--json")
    report = json.loads(status.stdout)
    assert report["signing_key"]["pinned"] == [
        {"key_id": key_id, "line": line} for key_id, line in _pin_lines(home)
    ]
    text = cli("keys", "status").stdout
    assert _pin_lines(home)[0][1] in text


def test_a_replaced_signing_key_is_pinned_beside_the_old_one(
    cli: CliRun, home: Path, policy: Path
) -> None:
    assert cli("init").exit_code == 0
    _open_request(cli, policy)
    (home / "signing.key").replace(home / "signing.key.old")
    create_signing_key_file(home / "signing.key")
    assert cli("init").exit_code == 0
    assert len(read_pinned_keys(home / "signing.pub")) == 2
    _open_request(cli, policy, "bob@example.com")
    report = _verify(cli)
    assert report["ok"] and report["checkpoints_verified"] == 2


def _pin_lines(home: Path) -> list[tuple[str, str]]:
    lines = (home / "signing.pub").read_text(encoding="ascii").splitlines()
    return [(line.split()[2], line) for line in lines if line.strip()]


def test_a_home_without_a_signing_key_keeps_its_events_unsigned_quietly(
    cli: CliRun, home: Path, policy: Path
) -> None:
    assert cli("init").exit_code == 0
    (home / "signing.key").unlink()
    result = cli("rights", "open", "--kind", "access", "--policy", str(policy), "--email", ALICE)
    assert result.exit_code == 0
    assert "warning" not in result.output
    assert not (home / "audit-witness.jsonl").exists()
