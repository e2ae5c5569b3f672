"""S-04: a verified access request returns everything held on the person across every connected
system, machine-readable (JSON, CSV) and as a letter of purposes, categories, recipients,
retention, source and rights (Art 15), due in one calendar month counted the ICO way and
extendable by two months with the reason recorded."""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from scenarios.rights_deploy import BACKENDS, Desk, deploy

from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.runtime import Runtime
from dataward.rights import service
from dataward.rights.models import RequestKind, RequestState, TaskState


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _values(data: Any, system: str, collection: str, field: str) -> list[Any]:
    rows = data["systems"].get(system, {}).get(collection, [])
    return sorted(row["fields"][field]["value"] for row in rows)


def test_s_04_access_returns_everything_held_with_the_art_15_letter(
    runtime: Runtime, clock: FixedClock, tmp_path: Path, backend: str
) -> None:
    with deploy("support", tmp_path / "systems", backend) as support, runtime.sessions() as db:
        desk = Desk(db, Keyring(secrets.token_bytes(32)), clock, tmp_path / "home", support)
        priya = support.known["priya"]
        request = desk.request(RequestKind.ACCESS, "priya")
        # One calendar month, day of receipt counted: Monday 2 March 2026 → Thursday 2 April.
        assert (request.received_on, request.due_on) == (date(2026, 3, 2), date(2026, 4, 2))

        outcome = desk.run(request)

        assert request.state == RequestState.AWAITING_REVIEW
        assert {t.system: t.state for t in request.tasks} == dict.fromkeys(
            ("helpdesk", "billing", "remote", "recordings", "mailing"), TaskState.DONE
        )
        assert outcome.package is not None
        archive = zipfile.ZipFile(io.BytesIO(outcome.package))
        data = json.loads(archive.read("data.json"))

        # Checked against the systems themselves, not through Dataward's connectors.
        customer = next(
            c for c in support.rows("helpdesk", "customers") if c["email"] == priya.email
        )
        tickets = [
            t["id"]
            for t in support.rows("helpdesk", "tickets")
            if t["customer_id"] == customer["id"]
        ]
        invoices = [
            i
            for i in support.rows("billing", "invoices")
            if i["customer_number"] == customer["customer_number"]
        ]
        payments = [
            p["id"]
            for p in support.rows("billing", "payments")
            if p["invoice_id"] in {i["id"] for i in invoices}
        ]
        sessions = [
            s["id"]
            for s in support.rows("remote", "sessions")
            if s["customer_email"] == priya.email
        ]
        calls = [
            c for c in support.rows("recordings", "calls") if c["caller_number"] == priya.phone
        ]
        assert tickets and invoices and payments and sessions and len(calls) == 2
        assert _values(data, "helpdesk", "tickets", "id") == sorted(tickets)
        assert _values(data, "billing", "invoices", "id") == sorted(i["id"] for i in invoices)
        assert _values(data, "billing", "payments", "id") == sorted(payments)
        assert _values(data, "remote", "sessions", "id") == sorted(sessions)
        assert _values(data, "recordings", "calls", "id") == sorted(c["id"] for c in calls)
        assert _values(data, "mailing", "subscribers", "email") == [priya.email]
        assert data["systems"]["helpdesk"]["customers"][0]["fields"]["email"]["categories"] == [
            "user.contact.email"
        ]

        # The recordings themselves, byte for byte.
        folder = support.folder("recordings")
        for call in calls:
            stored = (folder / call["audio_file"]).read_bytes()
            copies = [n for n in archive.namelist() if n.startswith("files/recordings/calls/")]
            assert any(archive.read(n) == stored for n in copies)

        # A spreadsheet per collection, with the same rows.
        rows = list(
            csv.DictReader(
                io.StringIO(archive.read("csv/billing/invoices.csv").decode("utf-8-sig"))
            )
        )
        assert sorted(int(r["id"]) for r in rows) == sorted(i["id"] for i in invoices)

        letter = archive.read("letter.html").decode()
        for expected in (
            "to give the IT support you have contracted us for",  # purpose
            "a contract with you",  # lawful basis
            "Call recording",  # category (Dataward's extension)
            "DeskCloud Ltd",  # recipients
            "Voxa Cloud PBX Ltd",
            "RemoteAssist Ltd, in IE: protected by UK adequacy regulations",  # transfer
            "3 months from the \u2018recorded at\u2019 date",  # retention
            "the call itself",  # source
            "To have your data erased",  # rights
            "withdraw your consent",
            "Information Commissioner",
            "Kestrel IT Support Ltd",
        ):
            assert expected in letter, expected

        # Two more months, with the reason and when the person was told.
        service.extend(
            session=db,
            keyring=desk.keyring,
            clock=clock,
            request=request,
            actor="cli:office-manager",
            reason="complex: five systems including call recordings",
            told_on=date(2026, 3, 2),
        )
        assert request.extended_due_on == date(2026, 6, 2)
        detail = service.describe(request, keyring=desk.keyring, today_on=date(2026, 3, 2))
        assert detail.extension_reason == "complex: five systems including call recordings"
        if backend == "servers":
            assert {support.placed["helpdesk"], support.placed["billing"]} == {
                "postgresql",
                "mariadb",
            }
