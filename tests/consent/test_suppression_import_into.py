"""Importing a list into a source system through its connector: filtered first, typed by the
database's own columns, refused whole batches named, and logged without an address."""

from __future__ import annotations

import csv
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from scenarios.rights_deploy import Deployment, deploy
from sqlalchemy.orm import Session

from dataward.audit import service as audit
from dataward.consent import list_import
from dataward.consent import service as consent
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import UsageError

HEADER = ["email", "name", "source", "created_on", "email_ok", "sms_ok", "post_ok",
          "preferences_updated_at"]  # fmt: skip


@pytest.fixture
def telecoms(tmp_path: Path) -> Iterator[Deployment]:
    with deploy("telecoms", tmp_path / "systems", "sqlite") as deployment:
        yield deployment


def _list(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _row(email: str, box: str = "true") -> list[str]:
    return [email, "A Person", "web", "2026-02-01", box, "false", "no", "2026-02-01T09:00:00+00:00"]


def _import(
    session: Session, keyring: Keyring, clock: FixedClock, telecoms: Deployment, source: Path,
    target: str = "crm.contacts",
) -> tuple[list_import.lists.FilterReport, str | None]:  # fmt: skip
    return list_import.import_into(
        session=session, keyring=keyring, clock=clock, actor="cli:marketing",
        loaded=telecoms.loaded, environ=telecoms.environ, target=target, source=source,
        out=source.with_suffix(".kept.csv"),
    )  # fmt: skip


def test_kept_rows_go_in_typed_and_suppressed_ones_never_do(
    session: Session, clock: FixedClock, telecoms: Deployment, tmp_path: Path
) -> None:
    keyring = Keyring(secrets.token_bytes(32))
    consent.suppress(
        session=session, keyring=keyring, clock=clock, actor="t",
        email="gone@example.com", reason="unsubscribed",
    )  # fmt: skip
    source = _list(tmp_path / "leads.csv", [_row("new@example.com"), _row("GONE@example.com")])
    report, failure = _import(session, keyring, clock, telecoms, source)
    assert failure is None
    assert (report.kept, report.imported, report.dropped_lines) == (1, 1, [3])
    added = {r["email"]: r for r in telecoms.rows("crm", "contacts")}
    assert "gone@example.com" not in {e.lower() for e in added}
    assert (added["new@example.com"]["email_ok"], added["new@example.com"]["post_ok"]) == (
        True,
        False,
    )
    (event,) = audit.events(
        session=session, where=audit.EventFilter(action_prefix="consent.list.imported")
    )
    assert event.details == {
        "rows": 2, "imported": 1, "dropped_as_suppressed": 1, "failed": False
    }  # fmt: skip
    assert "example.com" not in json.dumps(event.details)


def test_a_value_its_column_cannot_hold_stops_the_import_and_says_where(
    session: Session, clock: FixedClock, telecoms: Deployment, tmp_path: Path
) -> None:
    keyring = Keyring(secrets.token_bytes(32))
    source = _list(tmp_path / "leads.csv", [_row("a@example.com", box="perhaps")])
    report, failure = _import(session, keyring, clock, telecoms, source)
    assert failure is not None and "email_ok" in failure and "row 1" in failure
    assert report.imported == 0
    assert "a@example.com" not in {r["email"] for r in telecoms.rows("crm", "contacts")}
    (event,) = audit.events(
        session=session, where=audit.EventFilter(action_prefix="consent.list.imported")
    )
    assert event.details["failed"] is True


def test_undeclared_columns_and_unknown_targets_are_refused(
    session: Session, clock: FixedClock, telecoms: Deployment, tmp_path: Path
) -> None:
    keyring = Keyring(secrets.token_bytes(32))
    source = tmp_path / "extra.csv"
    source.write_text("email,secret_column\nb@example.com,x\n", encoding="utf-8")
    _, failure = _import(session, keyring, clock, telecoms, source)
    assert failure is not None and "no declared field 'secret_column'" in failure
    with pytest.raises(UsageError, match="not a collection of the policy"):
        _import(session, keyring, clock, telecoms, source, target="crm.nowhere")
    recordings = _list(tmp_path / "r.csv", [_row("c@example.com")])
    _, failure = _import(session, keyring, clock, telecoms, recordings, target="recordings.calls")
    assert failure is not None and "cannot take an import" in failure
