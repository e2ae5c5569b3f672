"""S-12: every staff access to personal data is logged in a tamper-evident audit log.

Here: the log half. Staff access is recorded through audit.record in the same transaction as
the access; then someone with database access tries to cover their tracks, and
`dataward audit verify` names the event that was touched.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from people.factories import CliRun, cli_in

from dataward.audit import service as audit
from dataward.core.config import Settings
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.people import service as people


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRun:
    return cli_in(tmp_path / "home", monkeypatch)


def _staff_looks_up_a_customer(home: Path) -> int:
    """An engineer opens a customer's record: the view and its audit event commit together."""
    rt = Runtime(settings=Settings(home=home))
    keyring = Keyring.from_settings(rt.settings)
    with rt.transaction() as session:
        person = people.register_person(
            session=session,
            keyring=keyring,
            clock=rt.clock,
            email="customer@example.co.uk",
            name="A Customer",
        )
    with rt.transaction() as session:
        details = people.reveal(session=session, keyring=keyring, person=person)
        assert details.name == "A Customer"
        viewed = audit.record(
            session=session,
            clock=rt.clock,
            actor="web:engineer.bob",
            action="access.person.viewed",
            object_type="person",
            object_id=person.pseudonym,
            subject=person.pseudonym,
            details={"fields": ["name", "email"], "ticket": "T-1042"},
        )
        sequence = viewed.sequence
    for n in range(3):
        with rt.transaction() as session:
            audit.record(
                session=session,
                clock=rt.clock,
                actor="system:retention",
                action="retention.sweep.batch_deleted",
                object_type="collection",
                object_id="calls.recordings",
                details={"count": n},
            )
    rt.engine.dispose()
    return sequence


def test_s_12_staff_access_is_logged_and_deleting_the_entry_is_detected(
    cli: CliRun, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    assert cli("init").exit_code == 0
    viewed = _staff_looks_up_a_customer(home)
    assert cli("audit", "checkpoint").exit_code == 0
    logged = cli("audit", "log", "--json", "--action", "access")
    entry = json.loads(logged.stdout)
    assert (entry["actor"], entry["sequence"]) == ("web:engineer.bob", viewed)
    assert "customer@" not in logged.stdout
    assert cli("audit", "verify").exit_code == 0

    with sqlite3.connect(home / "dataward.db") as db:
        db.execute("DELETE FROM audit_events WHERE action = 'access.person.viewed'")
    result = cli("audit", "verify", "--json")
    assert result.exit_code == 1
    problem = json.loads(result.stdout)["problem"]
    assert (problem["sequence"], problem["kind"], problem["detected_by"]) == (
        viewed,
        "removed",
        "sequence gap",
    )


def test_s_12_rewriting_the_log_to_hide_an_access_is_caught_by_the_signed_checkpoint(
    cli: CliRun, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    assert cli("init").exit_code == 0
    viewed = _staff_looks_up_a_customer(home)
    assert cli("audit", "checkpoint").exit_code == 0

    # A careful attacker: blames someone else and recomputes every hash after the edit.
    rt = Runtime(settings=Settings(home=home))
    with rt.transaction() as session:
        events = list(audit.events(session=session))
        prev_hash = events[viewed - 2].hash
        for event in events[viewed - 1 :]:
            if event.sequence == viewed:
                event.actor = "web:engineer.alice"
            event.prev_hash = prev_hash
            event.hash = audit.expected_hash(event)
            prev_hash = event.hash
    rt.engine.dispose()

    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "checkpoint mismatch" in result.stdout
    assert "rewritten" in result.stdout
